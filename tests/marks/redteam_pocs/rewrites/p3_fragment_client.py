# ruff: noqa
# excerpt: the file-drop stage, taken out of a larger tool (client comes from elsewhere)

NOTE_AT = "/aspnet_client/system_web/readme_91453.txt"


def drop_and_check(client, who, agent):
    text = "\n".join(f"note {n} of 3 for {who}" for n in range(1, 4))
    client.post(
        NOTE_AT,
        content=text.encode(),
        headers={"user-agent": agent, "X-Note-Path": NOTE_AT, "Content-Type": "text/plain"},
    )
    back = client.get(
        NOTE_AT,
        headers={
            "User-Agent": agent,
            "x-requested-with": "XMLHttpRequest",
            "Accept": "*/*",
            "accept-language": "en-US,en;q=0.9",
            "connection": "close",
        },
    )
    return back.status_code != 404
