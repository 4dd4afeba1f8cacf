// ecdsa-sd-2023 with digitalbazaar's implementation, for tests/shared/test_ecdsa_sd_node.py.
// Jobs: sign (a base proof), derive, verify (a derived proof), confirm (a base proof).
// Reads {documents, jobs} on stdin (documents: URL -> JSON, the only things the
// documentLoader serves: no network); writes one result per job on stdout.
import {readFileSync} from 'node:fs';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {
  createConfirmCryptosuite, createDiscloseCryptosuite, createSignCryptosuite,
  createVerifyCryptosuite
} from '@digitalbazaar/ecdsa-sd-2023-cryptosuite';
import * as EcdsaMultikey from '@digitalbazaar/ecdsa-multikey';
import jsigs from 'jsonld-signatures';

const {purposes: {AssertionProofPurpose}} = jsigs;
const input = JSON.parse(readFileSync(0, 'utf8'));
const documents = input.documents;

async function documentLoader(url) {
  const [base, fragment] = url.split('#');
  const doc = documents[base];
  if(!doc) {
    throw new Error(`refused to load ${url}`);
  }
  if(fragment === undefined) {
    return {contextUrl: null, documentUrl: url, document: structuredClone(doc)};
  }
  const vm = (doc.verificationMethod || []).find(
    m => m.id === url || m.id === '#' + fragment);
  if(!vm) {
    throw new Error(`no verification method ${url}`);
  }
  return {
    contextUrl: null, documentUrl: url,
    document: {'@context': doc['@context'], ...vm}
  };
}

const out = [];
for(const job of input.jobs) {
  try {
    if(job.op === 'sign') {
      const keyPair = await EcdsaMultikey.from(job.key);
      const suite = new DataIntegrityProof({
        signer: keyPair.signer(), date: job.created,
        cryptosuite: createSignCryptosuite({mandatoryPointers: job.mandatoryPointers})
      });
      out.push({ok: true, document: await jsigs.sign(
        structuredClone(job.document),
        {suite, purpose: new AssertionProofPurpose(), documentLoader})});
    } else if(job.op === 'derive') {
      const suite = new DataIntegrityProof({
        cryptosuite: createDiscloseCryptosuite(
          {selectivePointers: job.selectivePointers})
      });
      out.push({ok: true, document: await jsigs.derive(
        structuredClone(job.document),
        {suite, purpose: new AssertionProofPurpose(), documentLoader})});
    } else if(job.op === 'verify' || job.op === 'confirm') {
      // confirm: the holder's check of a base proof; verify: a verifier's of a derived one
      const cryptosuite = job.op === 'confirm' ?
        createConfirmCryptosuite() : createVerifyCryptosuite();
      const suite = new DataIntegrityProof({cryptosuite});
      const result = await jsigs.verify(
        structuredClone(job.document),
        {suite, purpose: new AssertionProofPurpose(), documentLoader});
      const errors = [];
      for(const r of result.results || []) {
        if(r.error) errors.push(String(r.error.message || r.error));
      }
      if(result.error) {
        const e = result.error;
        errors.push(String(e.message || e));
        for(const inner of e.errors || []) errors.push(String(inner.message || inner));
      }
      out.push({ok: true, verified: result.verified, errors});
    } else {
      out.push({ok: false, error: `unknown op ${job.op}`});
    }
  } catch(e) {
    out.push({ok: false, error: String(e && e.stack || e)});
  }
}
process.stdout.write(JSON.stringify(out));
