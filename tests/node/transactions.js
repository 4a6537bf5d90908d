'use strict'
// node transactions.js BOOTSTRAP TOPIC TXN_ID OUT.json
// A kafkajs transactional producer runs three transactions on TOPIC: "commit-1-<i>" records
// committed, "abort-<i>" aborted, "commit-2-<i>" committed (5 records each, sent before the
// end of each transaction). Then a read_committed consumer (kafkajs' default) and a
// read_uncommitted one (readUncommitted: true) each read the topic from the beginning until
// they have been idle for 3 s. Writes {"committed": [values], "uncommitted": [values]}.
const fs = require('fs')
const { Kafka, logLevel } = require('kafkajs')

async function readAll (kafka, topic, groupId, readUncommitted) {
  const consumer = kafka.consumer({ groupId, readUncommitted, sessionTimeout: 10000, heartbeatInterval: 1000 })
  await consumer.connect()
  await consumer.subscribe({ topics: [topic], fromBeginning: true })
  const got = []
  let last = Date.now()
  await consumer.run({
    eachMessage: async ({ message }) => {
      got.push(message.value.toString())
      last = Date.now()
    }
  })
  const start = Date.now()
  while (Date.now() - last < 3000 || (got.length === 0 && Date.now() - start < 30000)) {
    await new Promise(resolve => setTimeout(resolve, 200))
  }
  await consumer.disconnect()
  return got
}

async function main () {
  const [bootstrap, topic, txnId, outFile] = process.argv.slice(2)
  const kafka = new Kafka({ clientId: 'gregor-it-kafkajs-txn', brokers: [bootstrap], logLevel: logLevel.WARN })
  const producer = kafka.producer({ transactionalId: txnId, idempotent: true, maxInFlightRequests: 1 })
  await producer.connect()
  for (const [name, commit] of [['commit-1', true], ['abort', false], ['commit-2', true]]) {
    const txn = await producer.transaction()
    const messages = []
    for (let i = 0; i < 5; i++) messages.push({ key: 'k', value: `${name}-${i}` })
    await txn.send({ topic, messages })
    if (commit) await txn.commit()
    else await txn.abort()
  }
  await producer.disconnect()
  const committed = await readAll(kafka, topic, `${txnId}-rc`, false)
  const uncommitted = await readAll(kafka, topic, `${txnId}-ru`, true)
  fs.writeFileSync(outFile, JSON.stringify({ committed, uncommitted }))
}

main().catch(e => { console.error('transactions.js failed:', e); process.exit(1) })
