/*
 * The media bench's receiver: counts RTP packets and per-SSRC sequence gaps on one UDP port,
 * reading in batches (recvmmsg) so that it keeps up with hundreds of subscribers on one core.
 * The RTP header is in clear in SRTP too, so it counts encrypted streams without keys.
 *
 *   rtp-sink PORT      (0: any free port) prints "ready PORT", then on each SIGUSR1 one JSON line with the counts
 *                      since the last report: {"packets":N,"bytes":B,"lost":L,"ssrcs":S}
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define BATCH 64
#define SLOTS 65536 /* open addressing on the SSRC */

struct stream { uint32_t ssrc; uint16_t last; uint8_t used; };
static struct stream streams[SLOTS];
static volatile sig_atomic_t report = 0;
static void on_usr1(int sig) { (void)sig; report = 1; }

int main(int argc, char **argv) {
  if (argc < 2) { fprintf(stderr, "usage: rtp-sink PORT\n"); return 2; }
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  int size = 64 * 1024 * 1024;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size);
  struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons(atoi(argv[1])) };
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(fd, (struct sockaddr *)&addr, sizeof addr) != 0) { perror("bind"); return 1; }
  socklen_t alen = sizeof addr;
  getsockname(fd, (struct sockaddr *)&addr, &alen);
  struct timeval tv = { .tv_sec = 0, .tv_usec = 100000 };
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  struct sigaction sa = { .sa_handler = on_usr1 };
  sigaction(SIGUSR1, &sa, NULL);
  static char bufs[BATCH][2048];
  struct iovec iov[BATCH];
  struct mmsghdr msgs[BATCH];
  for (int i = 0; i < BATCH; i++) {
    iov[i].iov_base = bufs[i]; iov[i].iov_len = sizeof bufs[i];
    memset(&msgs[i], 0, sizeof msgs[i]);
    msgs[i].msg_hdr.msg_iov = &iov[i]; msgs[i].msg_hdr.msg_iovlen = 1;
  }
  unsigned long long packets = 0, bytes = 0, lost = 0, ssrcs = 0;
  printf("ready %d\n", ntohs(addr.sin_port));
  fflush(stdout);
  for (;;) {
    if (report) {
      report = 0;
      printf("{\"packets\":%llu,\"bytes\":%llu,\"lost\":%llu,\"ssrcs\":%llu}\n", packets, bytes, lost, ssrcs);
      fflush(stdout);
      packets = bytes = lost = 0;
    }
    int n = recvmmsg(fd, msgs, BATCH, MSG_WAITFORONE, NULL);
    if (n < 0) { if (errno == EAGAIN || errno == EINTR) continue; perror("recvmmsg"); return 1; }
    for (int i = 0; i < n; i++) {
      const uint8_t *p = (const uint8_t *)bufs[i];
      unsigned len = msgs[i].msg_len;
      /* RTP version 2, and not RTCP (payload types 72-76 with the marker bit are RTCP's 200-204). */
      if (len < 12 || (p[0] >> 6) != 2 || (p[1] >= 200 && p[1] <= 204)) continue;
      uint16_t seq = (uint16_t)(p[2] << 8 | p[3]);
      uint32_t ssrc = (uint32_t)p[8] << 24 | (uint32_t)p[9] << 16 | (uint32_t)p[10] << 8 | p[11];
      unsigned h = (ssrc * 2654435761u) & (SLOTS - 1);
      while (streams[h].used && streams[h].ssrc != ssrc) h = (h + 1) & (SLOTS - 1);
      if (!streams[h].used) {
        streams[h].used = 1; streams[h].ssrc = ssrc; streams[h].last = seq; ssrcs++;
      } else {
        uint16_t gap = (uint16_t)(seq - streams[h].last);
        if (gap > 0 && gap < 0x8000) { lost += gap - 1; streams[h].last = seq; }
      }
      packets++;
      bytes += len;
    }
  }
}
