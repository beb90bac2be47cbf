// Status checker, Go port.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"
)

func main() {
	host := "127.0.0.1"
	if len(os.Args) > 1 {
		host = os.Args[1]
	}
	base := "http://" + host + ":8080"
	client := &http.Client{Timeout: 8 * time.Second}
	var sizes []int
	for _, p := range [][2]int{{2, 1}, {4, 3}} {
		req, _ := http.NewRequest("GET", fmt.Sprintf("%s/cgi-bin/status?job=j-%d&node=n-%d", base, p[0], p[1]), nil)
		req.Header["X-Forwarded-Host"] = []string{host}
		req.Header["Accept"] = []string{"*/*"}
		req.Header["User-Agent"] = []string{"curl/7.88.1"}
		req.Header["X-Build"] = []string{"build-7"}
		resp, err := client.Do(req)
		if err != nil {
			panic(err)
		}
		data, _ := io.ReadAll(io.LimitReader(resp.Body, 256))
		resp.Body.Close()
		sizes = append(sizes, len(data))
	}
	body, _ := json.Marshal(map[string]int{"first": sizes[0], "second": sizes[1]})
	req, _ := http.NewRequest("POST", base+"/cgi-bin/report", bytes.NewReader(body))
	req.Header["X-Run"] = []string{fmt.Sprintf("run-%d", sizes[0])}
	req.Header["Content-Type"] = []string{"application/json"}
	req.Header["X-Seq"] = []string{fmt.Sprintf("seq-%d", sizes[1])}
	resp, err := client.Do(req)
	if err != nil {
		panic(err)
	}
	fmt.Println(resp.StatusCode)
}
