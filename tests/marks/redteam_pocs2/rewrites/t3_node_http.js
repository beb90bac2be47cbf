// Auth flow probe, Node.js core http.
const http = require("http");

const host = process.argv[2] || "127.0.0.1";
const steps = [
  { name: "login", path: "/auth/login", referer: "/auth/start" },
  { name: "fetch", path: "/auth/profile", referer: "/auth/login" },
];

function headersFor(step, token) {
  return {
    "accept-language": "en-US,en;q=0.9",
    host: `${host}`,
    Origin: `http://${host}`,
    Accept: "application/json, text/plain, */*",
    Referer: `http://${host}${step.referer}`,
    "X-Step": `step-${step.name}`,
    "x-token": `tok-${token}`,
    "x-trace": `trace-${token}`,
  };
}

function run(i) {
  if (i >= steps.length) return;
  const step = steps[i];
  const req = http.request(
    { host, port: 8080, path: step.path, method: "GET", headers: headersFor(step, "t1") },
    (res) => {
      res.resume();
      res.on("end", () => {
        console.log(step.name, res.statusCode);
        run(i + 1);
      });
    },
  );
  req.end();
}

run(0);
