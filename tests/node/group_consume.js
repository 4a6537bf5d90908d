'use strict'
// node group_consume.js BOOTSTRAP TOPIC GROUP COUNT OUT.json
// A kafkajs group consumer (subscribe, fromBeginning) that reads COUNT records, commits, and
// writes them as [partition, offset, key_b64|null, value_b64|null, [[header, value_b64|null]...],
// timestamp] to OUT.json. Needs consumer
// groups on the broker (FindCoordinator, JoinGroup, SyncGroup, Heartbeat, OffsetCommit...).
const fs = require('fs')
const { Kafka, logLevel } = require('kafkajs')
const codecs = require('./codecs')

async function main () {
  const [bootstrap, topic, groupId, countArg, outFile] = process.argv.slice(2)
  const count = Number(countArg)
  for (const c of ['snappy', 'lz4', 'zstd']) await codecs.register(c)  // read whatever was produced
  const kafka = new Kafka({ clientId: 'gregor-it-kafkajs-group', brokers: [bootstrap], logLevel: logLevel.WARN })
  const consumer = kafka.consumer({ groupId, sessionTimeout: 10000, heartbeatInterval: 1000 })
  await consumer.connect()
  await consumer.subscribe({ topics: [topic], fromBeginning: true })
  const got = []
  let done
  const finished = new Promise(resolve => { done = resolve })
  await consumer.run({
    eachBatchAutoResolve: true,
    eachBatch: async ({ batch }) => {
      for (const m of batch.messages) {
        const headers = []
        for (const [k, v] of Object.entries(m.headers || {})) {
          for (const one of Array.isArray(v) ? v : [v]) headers.push([k, one == null ? null : one.toString('base64')])
        }
        got.push([batch.partition, Number(m.offset), m.key ? m.key.toString('base64') : null,
          m.value === null ? null : m.value.toString('base64'), headers, Number(m.timestamp)])
      }
      if (got.length >= count) done()
    }
  })
  const timer = setTimeout(() => done(), 120000)
  await finished
  clearTimeout(timer)
  await consumer.disconnect()
  fs.writeFileSync(outFile, JSON.stringify(got))
}

main().catch(e => { console.error('group_consume.js failed:', e); process.exit(1) })
