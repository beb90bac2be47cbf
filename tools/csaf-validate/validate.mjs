// Run the official CSAF 2.0 validator (BSI's csaf-validator-lib) on documents, for forewarn's tests.
//
// Usage: node validate.mjs FILE...
// Prints one JSON object: {"tests": [names], "documents": [{"file", "isValid", "errors", "tests"}]}
// where a document's `errors` gathers every failed test's errors, each with the test's name.
// The tests are the strict JSON schema test and every mandatory test (CSAF 2.0 section 6.1);
// `validateStrict` refuses any test function that the library does not define itself.
import { readFile } from 'node:fs/promises'
import validateStrict from '@secvisogram/csaf-validator-lib/validateStrict.js'
import * as mandatory from '@secvisogram/csaf-validator-lib/mandatoryTests.js'
import { csaf_2_0_strict } from '@secvisogram/csaf-validator-lib/schemaTests.js'

const tests = [csaf_2_0_strict, ...Object.values(mandatory)]

const documents = []
for (const file of process.argv.slice(2)) {
  const document = JSON.parse(await readFile(file, 'utf8'))
  const result = await validateStrict(tests, document)
  documents.push({
    file,
    isValid: result.isValid,
    errors: result.tests.flatMap((t) => t.errors.map((e) => ({ test: t.name, ...e }))),
    warnings: result.tests.flatMap((t) => t.warnings.map((w) => ({ test: t.name, ...w }))),
    tests: result.tests.map((t) => ({ name: t.name, isValid: t.isValid })),
  })
}
process.stdout.write(JSON.stringify({ tests: tests.map((t) => t.name), documents }) + '\n')
