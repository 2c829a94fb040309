#!/usr/bin/env node
// read.mjs reads one Parquet file with a reader that shares no code with
// vlmask's Go writer and prints what that reader sees as one JSON document on
// stdout. vlmask's Go tests (core/results) compare it with what they wrote.
//
// Usage: node read.mjs [--reader NAME] FILE
//
// Readers:
//   hyparquet        the newest pinned hyparquet (package.json)
//   hyparquet-1.5.0  hyparquet 1.5.0, the release nearest to the 1.4.0 the
//                    original viewers import (the registry does not serve 1.4.0)
//   duckdb           DuckDB through @duckdb/node-api
//
// Output:
//   {"reader", "version", "created_by", "key_value": {k: v},
//    "columns": [{"name", "type", "converted", "logical", "repetition"}],
//    "num_rows",
//    "rows": [[value, ...], ...]}
// Values keep their reader's meaning but survive JSON: 64-bit integers are
// decimal strings, the doubles NaN, Infinity, -Infinity and -0 are the strings
// "NaN", "Infinity", "-Infinity" and "-0", other numbers are JSON numbers (which
// JavaScript prints as the shortest decimal that round-trips the double), null
// stays null. For hyparquet, "type" is the physical type, "converted" the
// converted type and "logical" the logical type's name. For DuckDB, "type" is
// the SQL type, "converted", "logical" and "repetition" are null, and
// "created_by" and "key_value" come from parquet_file_metadata and
// parquet_kv_metadata.

import { readFile } from 'node:fs/promises'

function usage(message) {
  process.stderr.write(`read.mjs: ${message}\nusage: node read.mjs [--reader hyparquet|hyparquet-1.5.0|duckdb] FILE\n`)
  process.exit(2)
}

function parseArgs(argv) {
  let reader = 'hyparquet'
  let file
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--reader') {
      reader = argv[++i]
      if (!reader) usage('--reader needs a value')
    } else if (arg.startsWith('--reader=')) {
      reader = arg.slice('--reader='.length)
    } else if (arg.startsWith('-')) {
      usage(`unknown flag ${arg}`)
    } else if (file === undefined) {
      file = arg
    } else {
      usage(`unexpected argument ${arg}`)
    }
  }
  if (file === undefined) usage('missing FILE')
  return { reader, file }
}

// encodeValue maps one reader value onto JSON without losing information.
function encodeValue(value) {
  if (value === null || value === undefined) return null
  if (typeof value === 'bigint') return value.toString()
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN'
    if (value === Infinity) return 'Infinity'
    if (value === -Infinity) return '-Infinity'
    if (Object.is(value, -0)) return '-0'
    return value
  }
  if (typeof value === 'string' || typeof value === 'boolean') return value
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64')
  throw new Error(`unsupported value of type ${typeof value}: ${String(value)}`)
}

// packageVersion reads the installed version from node_modules beside this
// script (newer hyparquet does not export its package.json).
async function packageVersion(name) {
  const url = new URL(`./node_modules/${name}/package.json`, import.meta.url)
  return JSON.parse(await readFile(url, 'utf8')).version
}

function logicalName(logical) {
  if (!logical) return null
  if (typeof logical === 'string') return logical
  return logical.type ?? null
}

async function readHyparquet(packageName, file) {
  const hyparquet = await import(packageName)
  const bytes = await readFile(file)
  const arrayBuffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)
  const metadata = hyparquet.parquetMetadata(arrayBuffer)
  const leaves = metadata.schema.slice(1)
  for (const element of leaves) {
    if (element.num_children) throw new Error(`nested column ${element.name} is not supported`)
  }
  const names = leaves.map(element => element.name)
  const objects = await hyparquet.parquetReadObjects({ file: arrayBuffer })
  const keyValue = {}
  for (const kv of metadata.key_value_metadata ?? []) keyValue[kv.key] = kv.value
  return {
    reader: packageName,
    version: await packageVersion(packageName),
    created_by: metadata.created_by ?? null,
    key_value: keyValue,
    columns: leaves.map(element => ({
      name: element.name,
      type: element.type,
      converted: element.converted_type ?? null,
      logical: logicalName(element.logical_type),
      repetition: element.repetition_type ?? null,
    })),
    num_rows: Number(metadata.num_rows),
    rows: objects.map(object => names.map(name => encodeValue(object[name]))),
  }
}

async function readDuckDB(file) {
  const { DuckDBInstance } = await import('@duckdb/node-api')
  const instance = await DuckDBInstance.create(':memory:', { threads: '1' })
  const connection = await instance.connect()
  try {
    const described = await connection.runAndReadAll(
      'DESCRIBE SELECT * FROM read_parquet($1)', [file])
    const columns = described.getRowObjectsJS().map(row => ({
      name: row.column_name,
      type: row.column_type,
      converted: null,
      logical: null,
      repetition: null,
    }))
    // file_row_number makes the order explicit instead of trusting
    // insertion-order preservation.
    const result = await connection.runAndReadAll(
      'SELECT * EXCLUDE (file_row_number) FROM read_parquet($1, file_row_number = true) ORDER BY file_row_number',
      [file])
    const rows = result.getRows().map(row => row.map(encodeValue))
    const fileMeta = (await connection.runAndReadAll(
      'SELECT created_by, num_rows FROM parquet_file_metadata($1)', [file])).getRowObjectsJS()[0]
    const kvRows = (await connection.runAndReadAll(
      'SELECT decode(key) AS key, decode(value) AS value FROM parquet_kv_metadata($1)', [file])).getRowObjectsJS()
    const keyValue = {}
    for (const kv of kvRows) keyValue[kv.key] = kv.value
    return {
      reader: 'duckdb',
      version: await packageVersion('@duckdb/node-api'),
      created_by: fileMeta.created_by ?? null,
      key_value: keyValue,
      columns,
      num_rows: Number(fileMeta.num_rows),
      rows,
    }
  } finally {
    connection.closeSync()
    instance.closeSync()
  }
}

async function main() {
  const { reader, file } = parseArgs(process.argv.slice(2))
  let out
  switch (reader) {
    case 'hyparquet':
    case 'hyparquet-1.5.0':
      out = await readHyparquet(reader, file)
      break
    case 'duckdb':
      out = await readDuckDB(file)
      break
    default:
      usage(`unknown reader ${reader}`)
  }
  process.stdout.write(JSON.stringify(out))
  process.stdout.write('\n')
}

main().catch(err => {
  process.stderr.write(`read.mjs: ${err && err.stack ? err.stack : err}\n`)
  process.exit(1)
})
