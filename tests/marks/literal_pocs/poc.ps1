# Benign PoC fixture: asks a toy server on 127.0.0.1 for a session id, then stores a note.
param([string]$TargetHost = "127.0.0.1", [int]$Port = 8080)
$base = "http://${TargetHost}:$Port"
$headers = @{ "X-Ps-Trace" = "pstrace-50913"; "Accept-Language" = "en-GB" }
$sid = Invoke-RestMethod -Uri "$base/owa/auth/psprobe_6627.ecp?build=15042" -Headers $headers -UserAgent 'PocPs/4.1.7720'
Invoke-RestMethod -Method Post -Uri "$base/notes/$sid/ps_30418.txt" -Body "probe $sid" -ContentType "text/plain"
Write-Host "done $sid"
