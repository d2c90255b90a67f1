// Node's WHATWG URL parser (new URL()) over a batch: reads a JSON array of strings on stdin,
// writes a JSON array of [hostname, pathname, search, username, password] or null (refused).
"use strict";
let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const out = JSON.parse(input).map((text) => {
    try {
      const url = new URL(text);
      return [url.protocol, url.hostname, url.pathname, url.search, url.username, url.password];
    } catch (e) {
      return null;
    }
  });
  process.stdout.write(JSON.stringify(out));
});
