import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

/**
 * What an S/MIME signature says of a message. `valid`: the signature matches the signed content
 * and was made with the key of the certificate it carries; that certificate is NOT checked against
 * a trusted authority (the desk has no trust store), so it proves integrity, not who the signer is.
 * `invalid`: the content was changed after signing, or the signature is not of it. `unverified`:
 * the signature could not be read or uses what the verifier does not support.
 */
export interface SignatureCheck {
  status: 'valid' | 'invalid' | 'unverified';
  /** The certificate's e-mail address, else its common name. */
  signer: string | null;
}

const EMAIL_OID = '1.2.840.113549.1.9.1';
const CN_OID = '2.5.4.3';

const signerOf = (cert: pkijs.Certificate | undefined): string | null => {
  const attrs = cert?.subject.typesAndValues ?? [];
  const pick = (oid: string) => attrs.find((a) => a.type === oid)?.value.valueBlock.value as string | undefined;
  return (pick(EMAIL_OID) ?? pick(CN_OID) ?? null)?.slice(0, 200) ?? null;
};

/** Verifies a detached S/MIME signature (multipart/signed) over the signed part's bytes, in canonical CRLF form. */
export async function verifySmime(content: Buffer, signature: Buffer): Promise<SignatureCheck> {
  let signed: pkijs.SignedData;
  try {
    const asn1 = asn1js.fromBER(new Uint8Array(signature));
    if (asn1.offset === -1) return { status: 'unverified', signer: null };
    signed = new pkijs.SignedData({ schema: new pkijs.ContentInfo({ schema: asn1.result }).content });
  } catch {
    return { status: 'unverified', signer: null };
  }
  const canonical = Buffer.from(content.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');
  const data = canonical.buffer.slice(canonical.byteOffset, canonical.byteOffset + canonical.length) as ArrayBuffer;
  const certificates = (signed.certificates ?? []).filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate);
  try {
    const r = await signed.verify({ signer: 0, data, checkChain: false, extendedMode: true });
    return { status: r.signatureVerified ? 'valid' : 'invalid', signer: signerOf(r.signerCertificate ?? certificates[0]) };
  } catch (err) {
    // A content whose digest differs from the signed one: changed after signing. Anything else
    // (an unknown algorithm, a signature without its certificate) could not be checked.
    const changed = err instanceof pkijs.SignedDataVerifyError && /digest doesn't match/i.test(err.message);
    const cert = err instanceof pkijs.SignedDataVerifyError ? (err.signerCertificate ?? undefined) : undefined;
    return { status: changed ? 'invalid' : 'unverified', signer: signerOf(cert ?? certificates[0]) };
  }
}
