'use strict'
// node admin.js BOOTSTRAP scenario TOPIC
//   Runs the kafkajs admin scenario on a new topic TOPIC and asserts as it goes: createTopics
//   (validateOnly, with configs, again = false), listTopics, fetchTopicMetadata,
//   describeConfigs, alterConfigs, createPartitions, describeCluster, deleteTopics.
// node admin.js BOOTSTRAP offsets TOPIC TS1,TS2,...
//   Prints {"times": {TS: [{partition, offset}]}, "offsets": [{partition, offset, high, low}]}
//   from fetchTopicOffsetsByTimestamp and fetchTopicOffsets.
// Exits 1 with a message on the first failed check.
const assert = require('assert')
const { Kafka, logLevel, ConfigResourceTypes } = require('kafkajs')

async function until (what, fn, timeoutMs = 30000) {
  const deadline = Date.now() + timeoutMs
  let last
  while (Date.now() < deadline) {
    last = await fn()
    if (last.ok) return last.value
    await new Promise(resolve => setTimeout(resolve, 100))
  }
  throw new Error(`${what}: not true within ${timeoutMs} ms (last: ${JSON.stringify(last)})`)
}

async function topicConfigs (admin, topic, names) {
  const res = await admin.describeConfigs({ includeSynonyms: false,
    resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: names }] })
  assert.strictEqual(res.resources.length, 1)
  assert.strictEqual(res.resources[0].errorCode, 0, JSON.stringify(res.resources[0]))
  const out = {}
  for (const e of res.resources[0].configEntries) out[e.configName] = e
  return out
}

async function scenario (admin, topic) {
  const report = {}
  const existing = await admin.listTopics()
  assert(!existing.includes(topic), `${topic} exists before the test`)

  // waitForLeaders must be off: there are no leaders to wait for when nothing is created.
  await admin.createTopics({ validateOnly: true, waitForLeaders: false, topics: [{ topic, numPartitions: 3, replicationFactor: 1 }] })
  assert(!(await admin.listTopics()).includes(topic), 'validateOnly created the topic')

  const created = await admin.createTopics({ waitForLeaders: true, timeout: 20000, topics: [{
    topic, numPartitions: 3, replicationFactor: 1,
    configEntries: [{ name: 'retention.ms', value: '86400000' }, { name: 'cleanup.policy', value: 'compact' }] }] })
  assert.strictEqual(created, true, 'createTopics returned false for a new topic')
  const again = await admin.createTopics({ topics: [{ topic, numPartitions: 3, replicationFactor: 1 }] })
  assert.strictEqual(again, false, 'createTopics on an existing topic should return false (TOPIC_ALREADY_EXISTS)')
  assert((await admin.listTopics()).includes(topic), 'listTopics lacks the new topic')

  const md = await admin.fetchTopicMetadata({ topics: [topic] })
  assert.strictEqual(md.topics.length, 1)
  const parts = md.topics[0].partitions.slice().sort((a, b) => a.partitionId - b.partitionId)
  assert.deepStrictEqual(parts.map(p => p.partitionId), [0, 1, 2])
  for (const p of parts) {
    assert.strictEqual(p.partitionErrorCode, 0, JSON.stringify(p))
    assert.strictEqual(p.leader, 1, JSON.stringify(p))
    assert.deepStrictEqual(p.replicas, [1], JSON.stringify(p))
    assert.deepStrictEqual(p.isr, [1], JSON.stringify(p))
  }
  report.metadata = md

  let cfg = await topicConfigs(admin, topic, ['retention.ms', 'cleanup.policy', 'segment.bytes'])
  assert.strictEqual(cfg['retention.ms'].configValue, '86400000')
  assert.strictEqual(cfg['cleanup.policy'].configValue, 'compact')
  assert.strictEqual(cfg['retention.ms'].isDefault, false)
  assert(cfg['segment.bytes'], 'describeConfigs lacks segment.bytes')
  report.configs = cfg

  await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic,
    configEntries: [{ name: 'retention.ms', value: '172800000' }] }] })
  cfg = await topicConfigs(admin, topic, ['retention.ms', 'cleanup.policy'])
  assert.strictEqual(cfg['retention.ms'].configValue, '172800000')
  // AlterConfigs (not incremental) replaces all overrides: cleanup.policy is back to its default.
  assert.strictEqual(cfg['cleanup.policy'].configValue, 'delete')

  await admin.createPartitions({ topicPartitions: [{ topic, count: 5 }] })
  await until('5 partitions in metadata', async () => {
    const m = await admin.fetchTopicMetadata({ topics: [topic] })
    const ps = m.topics[0].partitions
    return { ok: ps.length === 5 && ps.every(p => p.leader === 1), value: ps.length }
  })

  const cluster = await admin.describeCluster()
  assert.strictEqual(cluster.brokers.length, 1, JSON.stringify(cluster))
  assert.strictEqual(cluster.brokers[0].nodeId, 1, JSON.stringify(cluster))
  report.cluster = cluster

  await admin.deleteTopics({ topics: [topic], timeout: 20000 })
  await until('topic gone from listTopics', async () => ({ ok: !(await admin.listTopics()).includes(topic) }))
  return report
}

async function offsets (admin, topic, tsList) {
  const times = {}
  for (const ts of tsList) times[ts] = await admin.fetchTopicOffsetsByTimestamp(topic, Number(ts))
  return { times, offsets: await admin.fetchTopicOffsets(topic) }
}

async function main () {
  const [bootstrap, cmd, topic, arg] = process.argv.slice(2)
  const kafka = new Kafka({ clientId: 'gregor-it-kafkajs-admin', brokers: [bootstrap],
    logLevel: logLevel.WARN, connectionTimeout: 10000, requestTimeout: 30000 })
  const admin = kafka.admin()
  await admin.connect()
  try {
    let out
    if (cmd === 'scenario') out = await scenario(admin, topic)
    else if (cmd === 'offsets') out = await offsets(admin, topic, arg.split(','))
    else throw new Error(`unknown command ${cmd}`)
    process.stdout.write(JSON.stringify(out) + '\n')
  } finally {
    await admin.disconnect()
  }
}

main().catch(e => { console.error('admin.js failed:', e && e.stack ? e.stack : e); process.exit(1) })
