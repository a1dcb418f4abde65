/* listen_tcp ADDRESS PORT: accepts TCP connections on ADDRESS:PORT and holds each one open (the
 * 64 newest: an older one is closed when a new one comes), until killed — a stand-in for a server whose RPC endpoint mapper (TCP 135) answers while a
 * firewall blocks the RPC ports behind it (tests/e2e/t_diagnose.sh). Prints "listening" once
 * bound; exits 1 when it cannot bind (port 135 needs root). Native (Linux). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: listen_tcp ADDRESS PORT\n");
        return 2;
    }
    int s = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)atoi(argv[2]));
    if (s < 0 || inet_pton(AF_INET, argv[1], &a.sin_addr) != 1 ||
        setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 || bind(s, (struct sockaddr *)&a, sizeof a) != 0 ||
        listen(s, 16) != 0) {
        perror("listen_tcp");
        return 1;
    }
    printf("listening\n");
    fflush(stdout);
    /* A connection closed at once can race the client's check of its connect (the peer's FIN
     * already there), so each is held, as a real endpoint mapper holds it. */
    int held[64], next = 0;
    for (int i = 0; i < 64; i++)
        held[i] = -1;
    for (;;) {
        int c = accept(s, NULL, NULL);
        if (c < 0)
            continue;
        printf("accepted\n");   /* t_diagnose says how many came, should its check fail */
        fflush(stdout);
        if (held[next] >= 0)
            close(held[next]);
        held[next] = c;
        next = (next + 1) % 64;
    }
}
