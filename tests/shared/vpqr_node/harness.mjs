// Cross-check harness: the reference CBOR-LD / VPQR libraries, driven by Rugzak's tests.
// Reads {"contextsDir", "ops": [...]} as JSON on stdin, writes {"results": [...]}.
// Contexts are served from Rugzak's bundled copies; nothing is fetched.
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {createRequire} from 'node:module';

const require = createRequire(join(process.cwd(), 'package.json'));
const cborld = await import(require.resolve('@digitalbazaar/cborld'));
const dbVpqr = await import(require.resolve('@digitalbazaar/vpqr'));
const dccVpqr = require('@digitalcredentials/vpqr');
const base32Encode = require('base32-encode');
const base32Decode = require('base32-decode');

const request = JSON.parse(readFileSync(0, 'utf8'));
const urlMap = JSON.parse(
  readFileSync(join(request.contextsDir, 'url-map.json'), 'utf8'));

async function documentLoader(url) {
  const file = urlMap[url];
  if(!file) {
    throw new Error(`context not bundled: ${url}`);
  }
  const document = JSON.parse(readFileSync(join(request.contextsDir, file), 'utf8'));
  return {contextUrl: null, documentUrl: url, document};
}

function toText(bytes) {
  return 'VP1-B' + base32Encode(bytes, 'RFC4648', {padding: false});
}

function fromText(text) {
  return new Uint8Array(base32Decode(text.slice('VP1-B'.length), 'RFC4648'));
}

async function run(op) {
  if(op.op === 'encode' && op.lib === 'dcc') {
    const {payload} = await dccVpqr.toQrCode({vp: op.doc, documentLoader});
    return {text: payload};
  }
  if(op.op === 'decode' && op.lib === 'dcc') {
    const {vp} = await dccVpqr.fromQrCode({text: op.text, documentLoader});
    return {doc: vp};
  }
  if(op.op === 'encode' && op.lib === 'digitalbazaar') {
    const options = {jsonldDocument: op.doc, documentLoader, format: op.format};
    if(op.format === 'cbor-ld-1.0') {
      options.registryEntryId = 1;
    }
    return {text: toText(await cborld.encode(options))};
  }
  if(op.op === 'decode' && op.lib === 'digitalbazaar') {
    const doc = await cborld.decode({cborldBytes: fromText(op.text), documentLoader});
    return {doc};
  }
  if(op.op === 'encode' && op.lib === 'digitalbazaar-vpqr') {
    const options = {
      vp: op.doc, documentLoader, format: op.format,
      qrMultibaseEncoding: op.multibase
    };
    if(op.format === 'cbor-ld-1.0') {
      options.registryEntryId = 1;
    }
    const {payload} = await dbVpqr.toQrCode(options);
    return {text: payload};
  }
  if(op.op === 'decode' && op.lib === 'digitalbazaar-vpqr') {
    const {vp} = await dbVpqr.fromQrCode({text: op.text, documentLoader});
    return {doc: vp};
  }
  throw new Error(`unknown op ${JSON.stringify(op)}`);
}

const results = [];
for(const op of request.ops) {
  try {
    results.push(await run(op));
  } catch(e) {
    results.push({error: String(e && e.message || e)});
  }
}
process.stdout.write(JSON.stringify({results}));
