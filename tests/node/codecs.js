'use strict'
// Registers the kafkajs compression codec for a codec name and returns its CompressionTypes
// value. kafkajs has none and gzip built in; snappy comes from kafkajs-snappy; lz4 and zstd
// are small adapters around pure-JS packages (lz4js, zstd-codec), because the native codec
// packages (kafkajs-lz4, @kafkajs/zstd) do not build on Node 20.
const { CompressionTypes, CompressionCodecs } = require('kafkajs')

let zstdSimple = null
function zstd () {
  if (zstdSimple) return Promise.resolve(zstdSimple)
  const { ZstdCodec } = require('zstd-codec')
  return new Promise(resolve => ZstdCodec.run(z => { zstdSimple = new z.Simple(); resolve(zstdSimple) }))
}

async function register (name) {
  switch (name) {
    case 'none':
      return CompressionTypes.None
    case 'gzip':
      return CompressionTypes.GZIP
    case 'snappy':
      CompressionCodecs[CompressionTypes.Snappy] = require('kafkajs-snappy')
      return CompressionTypes.Snappy
    case 'lz4': {
      const lz4 = require('lz4js')
      CompressionCodecs[CompressionTypes.LZ4] = () => ({
        async compress (encoder) { return Buffer.from(lz4.compress(encoder.buffer)) },
        async decompress (buffer) { return Buffer.from(lz4.decompress(buffer)) }
      })
      return CompressionTypes.LZ4
    }
    case 'zstd': {
      const z = await zstd()
      CompressionCodecs[CompressionTypes.ZSTD] = () => ({
        async compress (encoder) { return Buffer.from(z.compress(encoder.buffer, 3)) },
        async decompress (buffer) { return Buffer.from(z.decompress(buffer)) }
      })
      return CompressionTypes.ZSTD
    }
    default:
      throw new Error(`unknown codec ${name}`)
  }
}

module.exports = { register }
