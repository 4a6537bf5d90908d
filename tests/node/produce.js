'use strict'
// node produce.js BOOTSTRAP TOPIC CODEC RECORDS.jsonl RESULT.json [CHUNK]
// Produces every record of RECORDS.jsonl (one JSON array per line:
// [key_b64, value_b64|null, [[header, value_b64], ...], timestamp_ms, partition]) in order,
// CHUNK records per send() (acks=-1, one send in flight), and writes for every send the
// per-partition base offsets the broker returned.
process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1'
const fs = require('fs')
const { Kafka, logLevel } = require('kafkajs')
const codecs = require('./codecs')

async function main () {
  const [bootstrap, topic, codecName, inFile, outFile, chunkArg] = process.argv.slice(2)
  const chunk = Number(chunkArg || 2000)
  const compression = await codecs.register(codecName)
  const b64 = s => (s === null ? null : Buffer.from(s, 'base64'))
  const messages = fs.readFileSync(inFile, 'utf8').split('\n').filter(Boolean).map(line => {
    const [k, v, hs, ts, p] = JSON.parse(line)
    const headers = {}
    for (const [hk, hv] of hs) headers[hk] = b64(hv)
    return { key: b64(k), value: b64(v), headers, timestamp: String(ts), partition: p }
  })
  const kafka = new Kafka({ clientId: 'gregor-it-kafkajs', brokers: [bootstrap], logLevel: logLevel.WARN,
    connectionTimeout: 10000, requestTimeout: 60000 })
  const producer = kafka.producer({ allowAutoTopicCreation: false })
  await producer.connect()
  const results = []
  const t0 = Date.now()
  try {
    for (let i = 0; i < messages.length; i += chunk) {
      const res = await producer.send({ topic, acks: -1, timeout: 30000, compression,
        messages: messages.slice(i, i + chunk) })
      results.push(res.map(r => ({ partition: r.partition, errorCode: r.errorCode, baseOffset: Number(r.baseOffset) })))
    }
  } finally {
    await producer.disconnect()
  }
  fs.writeFileSync(outFile, JSON.stringify({ chunk, count: messages.length, produce_ms: Date.now() - t0, results }))
}

main().catch(e => { console.error('produce.js failed:', e); process.exit(1) })
