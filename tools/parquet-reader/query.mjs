#!/usr/bin/env node
// query.mjs runs one SQL query with DuckDB (the pinned @duckdb/node-api, a
// reader that shares no code with vlmask) and prints the result as one JSON
// document on stdout. vlmask's Go tests use it to read a dataset directory
// the way a user would (read_parquet('OUT/**/*.parquet',
// hive_partitioning = true)) and compare what DuckDB computes with what
// vlmask reports.
//
// Usage: node query.mjs SQL
//
// Output: {"version", "columns": [name, ...], "rows": [[value, ...], ...]}
// with values encoded as read.mjs encodes them: 64-bit integers and
// decimals as decimal strings, NaN and infinities as strings, other numbers
// as JSON numbers (the shortest decimal that round-trips the double).

import { readFile } from 'node:fs/promises'
import { DuckDBInstance } from '@duckdb/node-api'

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
  if (typeof value === 'object' && typeof value.toString === 'function') return value.toString()
  throw new Error(`unsupported value of type ${typeof value}: ${String(value)}`)
}

async function main() {
  const args = process.argv.slice(2)
  if (args.length !== 1) {
    process.stderr.write('usage: node query.mjs SQL\n')
    process.exit(2)
  }
  const instance = await DuckDBInstance.create(':memory:', { threads: '1' })
  const connection = await instance.connect()
  try {
    const result = await connection.runAndReadAll(args[0])
    const pkg = JSON.parse(await readFile(new URL('./node_modules/@duckdb/node-api/package.json', import.meta.url), 'utf8'))
    process.stdout.write(JSON.stringify({
      version: pkg.version,
      columns: result.columnNames(),
      rows: result.getRows().map(row => row.map(encodeValue)),
    }))
    process.stdout.write('\n')
  } finally {
    connection.closeSync()
    instance.closeSync()
  }
}

main().catch(err => {
  process.stderr.write(`query.mjs: ${err && err.stack ? err.stack : err}\n`)
  process.exit(1)
})
