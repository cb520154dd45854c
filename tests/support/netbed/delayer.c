/*
 * delayer: holds every packet of one NFQUEUE queue for a fixed time, then accepts it.
 *
 * The kernel of the test machines has no netem, so tests/support/netbed.ts sends one
 * direction of a city link here with `iptables -j NFQUEUE --queue-num N` and runs one
 * delayer per queue inside the city's namespace.
 *
 *   usage: delayer QUEUE_NUM DELAY_MS
 *
 * It prints "ready" once the queue is bound. Each line read on stdin is a new delay in
 * milliseconds for packets that arrive from then on (packets already held keep theirs);
 * at end of stdin it releases what it holds on time and exits once the queue is quiet.
 *
 * Packets wait in a min-heap ordered by (due time, arrival): with a fixed delay that is
 * plain FIFO, and after the delay is lowered at run time the newer packets overtake the
 * older ones as they would on a real path. Verdicts are therefore given out of order,
 * which NFQUEUE allows (one verdict per packet id, no batch verdicts).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/netfilter.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <libnetfilter_queue/libnetfilter_queue.h>

/* Room for about two seconds of a saturated gigabit link at full-size packets. */
#define QUEUE_MAXLEN 200000u
/* Notifications are metadata only (no payload copy), so this holds tens of thousands. */
#define SOCKET_RCVBUF (16 * 1024 * 1024)
/* Notifications read before due packets are released again. */
#define RECV_BATCH 256
/* After stdin closes, exit once nothing has arrived for this long and nothing is held. */
#define DRAIN_QUIET_NS (50ull * 1000 * 1000)

struct held {
  uint64_t due_ns;
  uint64_t seq;
  uint32_t id;
};

static struct held *heap;
static size_t heap_len, heap_cap;
static uint64_t next_seq;
static uint64_t delay_ns;
static unsigned long long lost_notifications;

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int earlier(const struct held *a, const struct held *b) {
  return a->due_ns < b->due_ns || (a->due_ns == b->due_ns && a->seq < b->seq);
}

static void heap_push(uint64_t due_ns, uint32_t id) {
  if (heap_len == heap_cap) {
    heap_cap = heap_cap ? heap_cap * 2 : 4096;
    heap = realloc(heap, heap_cap * sizeof *heap);
    if (!heap) {
      perror("delayer: realloc");
      exit(1);
    }
  }
  size_t i = heap_len++;
  struct held item = {due_ns, next_seq++, id};
  while (i > 0) {
    size_t parent = (i - 1) / 2;
    if (!earlier(&item, &heap[parent])) {
      break;
    }
    heap[i] = heap[parent];
    i = parent;
  }
  heap[i] = item;
}

static void heap_pop(void) {
  struct held last = heap[--heap_len];
  size_t i = 0;
  for (;;) {
    size_t child = 2 * i + 1;
    if (child >= heap_len) {
      break;
    }
    if (child + 1 < heap_len && earlier(&heap[child + 1], &heap[child])) {
      child++;
    }
    if (!earlier(&heap[child], &last)) {
      break;
    }
    heap[i] = heap[child];
    i = child;
  }
  if (heap_len > 0) {
    heap[i] = last;
  }
}

static int on_packet(struct nfq_q_handle *qh, struct nfgenmsg *msg, struct nfq_data *nfa, void *data) {
  (void)qh;
  (void)msg;
  (void)data;
  struct nfqnl_msg_packet_hdr *ph = nfq_get_msg_packet_hdr(nfa);
  if (ph) {
    heap_push(now_ns() + delay_ns, ntohl(ph->packet_id));
  }
  return 0;
}

static int parse_delay(const char *text, uint64_t *out) {
  char *end;
  errno = 0;
  double ms = strtod(text, &end);
  while (*end == ' ' || *end == '\t' || *end == '\r') {
    end++;
  }
  if (errno || end == text || *end != '\0' || !(ms >= 0) || ms > 600000) {
    return -1;
  }
  *out = (uint64_t)(ms * 1e6);
  return 0;
}

/* Reads whatever stdin has; returns 0 at end of input. */
static int read_commands(void) {
  static char line[256];
  static size_t used;
  char chunk[256];
  ssize_t n = read(STDIN_FILENO, chunk, sizeof chunk);
  if (n < 0) {
    return errno == EINTR || errno == EAGAIN;
  }
  if (n == 0) {
    return 0;
  }
  for (ssize_t i = 0; i < n; i++) {
    if (chunk[i] != '\n') {
      if (used < sizeof line - 1) {
        line[used++] = chunk[i];
      }
      continue;
    }
    line[used] = '\0';
    used = 0;
    uint64_t ns;
    if (parse_delay(line, &ns) == 0) {
      delay_ns = ns;
    } else {
      fprintf(stderr, "delayer: ignoring bad delay '%s'\n", line);
    }
  }
  return 1;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s QUEUE_NUM DELAY_MS\n", argv[0]);
    return 2;
  }
  char *end;
  long queue_num = strtol(argv[1], &end, 10);
  if (*end != '\0' || queue_num < 0 || queue_num > 65535 || parse_delay(argv[2], &delay_ns) != 0) {
    fprintf(stderr, "delayer: bad arguments\n");
    return 2;
  }

  struct nfq_handle *h = nfq_open();
  if (!h) {
    perror("delayer: nfq_open");
    return 1;
  }
  struct nfq_q_handle *qh = nfq_create_queue(h, (uint16_t)queue_num, &on_packet, NULL);
  if (!qh) {
    perror("delayer: nfq_create_queue (is another process bound to this queue?)");
    return 1;
  }
  /* Only the packet id is needed; GSO packets stay whole instead of being segmented for us. */
  if (nfq_set_mode(qh, NFQNL_COPY_META, 0) < 0) {
    perror("delayer: nfq_set_mode");
    return 1;
  }
  nfq_set_queue_flags(qh, NFQA_CFG_F_GSO, NFQA_CFG_F_GSO);
  if (nfq_set_queue_maxlen(qh, QUEUE_MAXLEN) < 0) {
    perror("delayer: nfq_set_queue_maxlen");
  }
  int fd = nfq_fd(h);
  int rcvbuf = SOCKET_RCVBUF;
  if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof rcvbuf) < 0) {
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  }

  printf("ready\n");
  fflush(stdout);

  int stdin_open = 1;
  uint64_t last_arrival = now_ns();
  static char buf[65536];
  for (;;) {
    uint64_t now = now_ns();
    while (heap_len > 0 && heap[0].due_ns <= now) {
      nfq_set_verdict(qh, heap[0].id, NF_ACCEPT, 0, NULL);
      heap_pop();
    }
    if (!stdin_open && heap_len == 0 && now - last_arrival >= DRAIN_QUIET_NS) {
      break;
    }

    struct timespec wait, *waitp = NULL;
    uint64_t wake = UINT64_MAX;
    if (heap_len > 0) {
      wake = heap[0].due_ns;
    }
    if (!stdin_open && last_arrival + DRAIN_QUIET_NS < wake) {
      wake = last_arrival + DRAIN_QUIET_NS;
    }
    if (wake != UINT64_MAX) {
      uint64_t left = wake > now ? wake - now : 0;
      wait.tv_sec = (time_t)(left / 1000000000ull);
      wait.tv_nsec = (long)(left % 1000000000ull);
      waitp = &wait;
    }

    struct pollfd fds[2] = {{fd, POLLIN, 0}, {STDIN_FILENO, POLLIN, 0}};
    int ready = ppoll(fds, stdin_open ? 2 : 1, waitp, NULL);
    if (ready < 0) {
      if (errno == EINTR) {
        continue;
      }
      perror("delayer: ppoll");
      return 1;
    }
    if (fds[0].revents & POLLIN) {
      /* Bounded, so that a flood of arrivals cannot hold back the releases that are due. */
      for (int batch = 0; batch < RECV_BATCH; batch++) {
        ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
        if (n > 0) {
          nfq_handle_packet(h, buf, (int)n);
          last_arrival = now_ns();
          continue;
        }
        if (n < 0 && errno == ENOBUFS) {
          /* The kernel dropped notifications; those packets stay queued without a verdict. */
          if (lost_notifications++ == 0) {
            fprintf(stderr, "delayer: queue %ld: netlink receive buffer overflowed\n", queue_num);
          }
          continue;
        }
        if (n < 0 && errno == EINTR) {
          continue;
        }
        break;
      }
    }
    if (stdin_open && (fds[1].revents & (POLLIN | POLLHUP | POLLERR))) {
      stdin_open = read_commands();
    }
  }

  nfq_destroy_queue(qh);
  nfq_close(h);
  return 0;
}
