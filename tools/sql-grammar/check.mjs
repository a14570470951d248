// Parses SQL files with real grammars (dt-sql-parser's ANTLR grammars): the transform SQL must be Spark SQL
// (the Glue job runs it) and the views must be Trino SQL (Athena engine 3). DuckDB runs both locally, so a
// DuckDB-only construct (QUALIFY, ::, EXCLUDE) would pass every local test and fail only on AWS.
//
// Usage: node dist/check.cjs --spark <file>... --trino <file>...
// Prints one JSON object {"<spark|trino>:<file>": ["line:col message", ...]} (an empty list for a file that parses) and
// exits 1 when any file has an error, 2 on bad usage.
import { readFileSync } from "node:fs";
import { SparkSQL, TrinoSQL } from "dt-sql-parser";

const parsers = { "--spark": new SparkSQL(), "--trino": new TrinoSQL() };
let parser = null;
let dialect = null;
const results = {};
let failed = false;
for (const arg of process.argv.slice(2)) {
  if (arg in parsers) {
    parser = parsers[arg];
    dialect = arg.slice(2);
    continue;
  }
  if (parser === null) {
    console.error(`usage: check.cjs --spark <file>... --trino <file>... (got ${arg} before --spark or --trino)`);
    process.exit(2);
  }
  const errors = parser.validate(readFileSync(arg, "utf8"))
    .map((e) => `${e.startLine}:${e.startColumn} ${e.message}`);
  results[`${dialect}:${arg}`] = errors;
  failed ||= errors.length > 0;
}
console.log(JSON.stringify(results, null, 1));
process.exit(failed ? 1 : 0);
