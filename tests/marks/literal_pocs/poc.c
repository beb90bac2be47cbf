/* Benign PoC fixture: sends one raw request to a toy server on 127.0.0.1. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>

static const char *REQUEST =
    "GET /owa/auth/cprobe_8851.ecp?build=15057 HTTP/1.1\r\n"
    "Host: 127.0.0.1\r\n"
    "User-Agent: PocC/0.9.6613\r\n"
    "X-C-Trace: ctrace-24471\r\n"
    "Connection: close\r\n"
    "\r\n";

int main(int argc, char **argv) {
    int port = argc > 1 ? atoi(argv[1]) : 8080;
    struct sockaddr_in addr = {0};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
        perror("connect");
        return 1;
    }
    send(fd, REQUEST, strlen(REQUEST), 0);
    char reply[512];
    ssize_t got = recv(fd, reply, sizeof reply - 1, 0);
    reply[got > 0 ? got : 0] = '\0';
    printf("%s\n", reply);
    close(fd);
    return 0;
}
