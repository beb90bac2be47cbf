// Benign PoC fixture: asks a toy server on 127.0.0.1 for a session id, then stores a note.
// Usage: node poc.js --host 127.0.0.1 --port 8080
const http = require("http");

const args = process.argv.slice(2);
const host = args[args.indexOf("--host") + 1] || "127.0.0.1";
const port = Number(args[args.indexOf("--port") + 1] || 8080);
const agent = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) PocClient/3.2.4417";

function send(method, path, headers, body) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host, port, method, path, headers }, (res) => {
      let data = "";
      res.on("data", (chunk) => (data += chunk));
      res.on("end", () => resolve(data));
    });
    req.setHeader("X-Request-Trace", "trace-20731");
    req.on("error", reject);
    if (body) req.write(body);
    req.end();
  });
}

async function main() {
  const sid = await send("GET", "/owa/auth/x4812.ecp?build=15013&lang=en", {
    "User-Agent": agent,
    "X-Client-Build": "client-99381",
    Accept: "*/*",
  });
  const note = `probe ${sid}`;
  await send("POST", `/notes/${sid}/entry_55102.txt`, {
    "User-Agent": agent,
    "Content-Type": "text/plain",
    "Content-Length": Buffer.byteLength(note),
  }, note);
  console.log("done", sid);
}

main().catch((err) => {
  console.error(err.message);
  process.exit(1);
});
