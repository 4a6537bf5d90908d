'use strict'
// node group_member.js --bootstrap HOST:PORT --group G --topic T --out FILE
//     [--session-timeout-ms 6000] [--max-seconds 120] [--client-id NAME]
// The kafkajs twin of tests/integration/group_member.py (same FILE format, see there): a group
// member that appends "M partition offset value" for every record, commits offset+1 with
// commitOffsets (autoCommit off) and appends "C partition next" (or "F partition next error"),
// and logs its assignments (GROUP_JOIN -> "A", REBALANCING -> "R *": all partitions).
// SIGTERM: disconnect() (finishes the record in hand, leaves the group) and exit 0.
const fs = require('fs')
const { Kafka, logLevel } = require('kafkajs')

function args () {
  const a = { sessionTimeoutMs: 6000, maxSeconds: 120, clientId: 'gregor-it-member' }
  const argv = process.argv.slice(2)
  for (let i = 0; i < argv.length; i += 2) {
    const k = argv[i]
    const v = argv[i + 1]
    if (k === '--bootstrap') a.bootstrap = v
    else if (k === '--group') a.group = v
    else if (k === '--topic') a.topic = v
    else if (k === '--out') a.out = v
    else if (k === '--session-timeout-ms') a.sessionTimeoutMs = Number(v)
    else if (k === '--max-seconds') a.maxSeconds = Number(v)
    else if (k === '--client-id') a.clientId = v
    else throw new Error(`unknown argument ${k}`)
  }
  for (const k of ['bootstrap', 'group', 'topic', 'out']) {
    if (!a[k]) throw new Error(`--${k} is required`)
  }
  return a
}

async function main () {
  const a = args()
  const fd = fs.openSync(a.out, 'a')
  const line = (kind, ...fields) => {
    fs.writeSync(fd, [(Date.now() / 1000).toFixed(6), kind, ...fields.map(String)].join(' ') + '\n')
  }
  const plist = parts => [...parts].sort((x, y) => x - y).join(',') || '-'
  line('T', 'start', process.pid, 'kafkajs')

  const kafka = new Kafka({
    clientId: a.clientId,
    brokers: [a.bootstrap],
    logLevel: logLevel.WARN,
    retry: { initialRetryTime: 100, retries: 20 }
  })
  const consumer = kafka.consumer({
    groupId: a.group,
    sessionTimeout: a.sessionTimeoutMs,
    rebalanceTimeout: 20000,
    heartbeatInterval: 1000,
    maxWaitTimeInMs: 100,
    retry: { initialRetryTime: 100, retries: 20 }
  })
  consumer.on(consumer.events.GROUP_JOIN, e => {
    line('A', plist((e.payload.memberAssignment || {})[a.topic] || []))
  })
  consumer.on(consumer.events.REBALANCING, () => line('R', '*'))
  consumer.on(consumer.events.CRASH, e => {
    line('E', 'crash', String(e.payload.error).replace(/\s+/g, '_'))
  })

  let stopping = false
  let finished
  const done = new Promise(resolve => { finished = resolve })
  const stop = reason => {
    if (stopping) return
    stopping = true
    finished(reason)
  }
  process.on('SIGTERM', () => stop('stop'))
  process.on('SIGINT', () => stop('stop'))
  const timer = setTimeout(() => stop('max-seconds'), a.maxSeconds * 1000)

  // A hard bound, whatever state the client is in.
  setTimeout(() => { line('E', 'hard-timeout'); process.exit(3) }, (a.maxSeconds + 30) * 1000).unref()

  const startup = (async () => {
    await consumer.connect()
    await consumer.subscribe({ topics: [a.topic], fromBeginning: true })
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ topic, partition, message }) => {
        if (topic !== a.topic) return
        const value = message.value === null ? '' : message.value.toString()
        line('M', partition, message.offset, value)
        const next = (BigInt(message.offset) + 1n).toString()
        try {
          await consumer.commitOffsets([{ topic, partition, offset: next }])
          line('C', partition, next)
        } catch (e) {
          line('F', partition, next, (e.type || e.name || 'error').replace(/\s+/g, '_'))
        }
      }
    })
  })()
  startup.catch(e => {
    line('E', 'startup', String(e).replace(/\s+/g, '_'))
    stop('error')
  })
  const reason = await done
  clearTimeout(timer)
  // disconnect() waits for the record in hand, then sends LeaveGroup.
  await Promise.race([consumer.disconnect(), new Promise(resolve => setTimeout(resolve, 20000))])
  line('X', reason)
  fs.closeSync(fd)
  process.exit(reason === 'error' ? 1 : 0)
}

main().catch(e => { console.error('group_member.js failed:', e); process.exit(1) })
