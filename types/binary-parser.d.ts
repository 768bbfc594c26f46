// binary-parser's package.json "exports" has no "types" entry, so NodeNext resolution misses its typings.
declare module 'binary-parser' {
  export * from 'binary-parser/dist/binary_parser.js';
}
