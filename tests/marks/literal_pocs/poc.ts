// Benign PoC fixture: asks a toy server on 127.0.0.1 for a session id.
const target: string = process.argv[2] ?? "http://127.0.0.1:8080";
const headers: Record<string, string> = {
  "X-Ts-Trace": "tstrace-77213",
  "User-Agent": "PocTs/5.4.9032",
};

async function probe(base: string): Promise<string> {
  const res = await fetch(`${base}/owa/auth/tsprobe_2219.ecp?build=15071`, { headers });
  return res.text();
}

probe(target).then((sid: string) => console.log("done", sid));
