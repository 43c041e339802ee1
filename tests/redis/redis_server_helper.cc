// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "redis_server.h"

namespace edgekit_test {
namespace {

namespace redis = edgekit::redis;

sockaddr_in Loopback(int port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  return addr;
}

// Whether nothing is bound to 127.0.0.1:`port` right now.
bool PortIsFree(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  const sockaddr_in addr = Loopback(port);
  const bool free = bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) == 0;
  close(fd);
  return free;
}

// A port for a server, below Linux's ephemeral range (32768-60999 by
// default). A port the kernel hands out for bind(0) is also one it hands to
// outgoing connections: between the probe and redis-server's own bind, any
// test running beside this one (ctest -j) could connect from it, and the
// server would exit with "Address already in use" (seen in CI). Ports in
// [10000, 20000) are never picked that way; their cluster bus ports
// (port + 10000) fall in [20000, 30000), so a server's port never collides
// with another node's bus. Two tests drawing the same port is left to the
// caller's retry.
int PickServerPort() {
  static std::mt19937 random(std::random_device{}() ^ static_cast<unsigned>(getpid()));
  std::uniform_int_distribution<int> draw(10000, 19999);
  for (int attempt = 0; attempt < 100; ++attempt) {
    const int port = draw(random);
    if (PortIsFree(port) && PortIsFree(port + 10000)) return port;
  }
  return 0;
}

// Whether something on `port` answers PING (any reply: NOAUTH counts).
bool Answers(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  const sockaddr_in addr = Loopback(port);
  bool ok = connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) == 0;
  if (ok) {
    const char ping[] = "PING\r\n";
    char buf[16] = {};
    ok = write(fd, ping, sizeof(ping) - 1) == sizeof(ping) - 1 && read(fd, buf, sizeof(buf)) > 0 &&
         (buf[0] == '+' || buf[0] == '-');
  }
  close(fd);
  return ok;
}

// The last non-empty line of the file at `path` (from its last 4 KiB).
std::string LastLine(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "r");
  if (f == nullptr) return "(no log)";
  if (std::fseek(f, -4096, SEEK_END) != 0) std::rewind(f);
  std::string text(4096, '\0');
  text.resize(std::fread(text.data(), 1, text.size(), f));
  std::fclose(f);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  const size_t start = text.rfind('\n');
  return start == std::string::npos ? text : text.substr(start + 1);
}

}  // namespace

bool WaitUntil(const std::function<bool()>& done, double seconds) {
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return done();
}

RedisServer::RedisServer(std::vector<std::string> extra_args) : extra_args_(std::move(extra_args)) {
  char tmpl[] = "/tmp/edgekit-redis-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) {
    error_ = "mkdtemp failed";
    return;
  }
  dir_ = tmpl;
  for (int attempt = 0; attempt < 10 && pid_ <= 0; ++attempt) {
    port_ = PickServerPort();
    Start();
  }
}

RedisServer::~RedisServer() {
  Kill();
  if (!dir_.empty()) {
    std::string cmd = "rm -rf '" + dir_ + "'";
    if (std::system(cmd.c_str()) != 0) std::fprintf(stderr, "could not remove %s\n", dir_.c_str());
  }
}

bool RedisServer::Start() {
  if (port_ == 0) {
    error_ = "no free port";
    return false;
  }
  const std::string port = std::to_string(port_);
  std::vector<std::string> args = {"redis-server",
                                   "--port",
                                   port,
                                   "--bind",
                                   "127.0.0.1",
                                   "--save",
                                   "",
                                   "--appendonly",
                                   "no",
                                   "--dir",
                                   dir_,
                                   "--protected-mode",
                                   "no",
                                   "--enable-debug-command",
                                   "local"};
  args.insert(args.end(), extra_args_.begin(), extra_args_.end());
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  // The server's own log (it says why it exited, e.g. a port in use).
  const std::string log = dir_ + "/server.log";
  pid_t pid = fork();
  if (pid < 0) {
    error_ = "fork failed";
    return false;
  }
  if (pid == 0) {
    // Quiet, and holding none of the parent's pipes open after it exits.
    if (freopen(log.c_str(), "w", stdout) == nullptr) _exit(126);
    if (freopen(log.c_str(), "a", stderr) == nullptr) _exit(126);
    execvp("redis-server", argv.data());
    _exit(127);
  }
  pid_ = pid;
  paused_ = false;
  // Real time only to wait for the process to come up (bounded: 10 s).
  const bool up = WaitUntil(
      [&] {
        int status = 0;
        if (waitpid(pid_, &status, WNOHANG) == pid_) {
          pid_ = -1;
          return true;
        }
        return Answers(port_);
      },
      10);
  if (pid_ < 0) {
    error_ = "redis-server on port " + std::to_string(port_) +
             " exited at start (is the redis-server package installed?): " + LastLine(log);
    return false;
  }
  if (!up) {
    error_ = "redis-server did not accept connections within 10 s";
    Kill();
    return false;
  }
  return true;
}

void RedisServer::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  paused_ = false;
}

bool RedisServer::Restart() {
  Kill();
  return Start();
}

void RedisServer::Pause() {
  if (pid_ > 0 && !paused_) {
    kill(pid_, SIGSTOP);
    paused_ = true;
  }
}

void RedisServer::Resume() {
  if (pid_ > 0 && paused_) {
    kill(pid_, SIGCONT);
    paused_ = false;
  }
}

redis::ClientOptions TestClientOptions(int port, absl::Duration backoff) {
  redis::ClientOptions o;
  o.endpoints = {{"127.0.0.1", port}};
  o.connect_timeout = absl::Milliseconds(200);
  o.command_timeout = absl::Milliseconds(500);
  o.reconnect_backoff_min = backoff;
  o.reconnect_backoff_max = backoff;
  return o;
}

std::shared_ptr<redis::Client> TestClient(int port, edgekit::Clock& clock, absl::Duration backoff) {
  return std::shared_ptr<redis::Client>(
      redis::Client::Create(TestClientOptions(port, backoff), clock).value());
}

bool PollUntil(redis::Subscriber& subscriber, edgekit::testing::FakeClock& clock,
               const std::function<bool()>& done) {
  for (int i = 0; i < 100 && !done(); ++i) {
    (void)subscriber.Poll(absl::Milliseconds(50));
    clock.Advance(absl::Milliseconds(100));
  }
  return done();
}

std::unique_ptr<redis::Client> AdminClient(int port, const std::string& password) {
  redis::ClientOptions o;
  o.endpoints = {{"127.0.0.1", port}};
  o.password = password;
  o.connections = 1;
  o.connect_timeout = absl::Seconds(2);
  o.command_timeout = absl::Seconds(10);
  o.reconnect_backoff_min = absl::Milliseconds(1);
  o.reconnect_backoff_max = absl::Milliseconds(1);
  return redis::Client::Create(o).value();
}

redis::Reply Admin(int port, std::vector<std::string> command) {
  auto reply = AdminClient(port)->Execute(redis::Command(std::move(command)));
  if (reply.ok()) return *reply;
  redis::Reply error;
  error.type = redis::Reply::Type::kError;
  error.str = std::string(reply.status().message());
  return error;
}

// ---------------------------------------------------------------------------
// RedisCluster

RedisCluster::RedisCluster(int primaries) {
  std::string create = "redis-cli --cluster create";
  for (int i = 0; i < 2 * primaries; ++i) {
    servers_.push_back(std::make_unique<RedisServer>(
        std::vector<std::string>{"--cluster-enabled", "yes", "--cluster-node-timeout", "1000",
                                 "--cluster-require-full-coverage", "no"}));
    if (!servers_.back()->ok()) {
      error_ = "a cluster node did not start: " + servers_.back()->error();
      return;
    }
    create += " 127.0.0.1:" + std::to_string(servers_.back()->port());
  }
  create += " --cluster-replicas 1 --cluster-yes >/dev/null 2>&1";
  if (std::system(create.c_str()) != 0) {
    error_ = "redis-cli --cluster create failed";
    return;
  }
  // Every node agrees the cluster is up and knows its replicas.
  ok_ = WaitUntil(
      [&] {
        for (auto& s : servers_) {
          redis::Reply info = Admin(s->port(), {"CLUSTER", "INFO"});
          if (!absl::StrContains(info.str, "cluster_state:ok")) return false;
        }
        for (auto& s : servers_) {
          redis::Reply role = Admin(s->port(), {"ROLE"});
          if (role.elements.empty()) return false;
          if (role.elements[0].str == "slave" &&
              (role.elements.size() < 4 || role.elements[3].str != "connected")) {
            return false;
          }
        }
        return true;
      },
      30);
  if (!ok_) error_ = "the cluster did not reach cluster_state:ok within 30 s";
}

RedisCluster::~RedisCluster() = default;

std::vector<redis::Endpoint> RedisCluster::seeds() const {
  std::vector<redis::Endpoint> seeds;
  for (const auto& s : servers_) seeds.push_back(s->endpoint());
  return seeds;
}

int RedisCluster::PrimaryOf(int slot) {
  for (auto& s : servers_) {
    if (!s->ok()) continue;
    redis::Reply slots = Admin(s->port(), {"CLUSTER", "SLOTS"});
    if (slots.type != redis::Reply::Type::kArray) continue;
    for (const redis::Reply& r : slots.elements) {
      if (r.elements.size() >= 3 && r.elements[0].integer <= slot &&
          slot <= r.elements[1].integer) {
        return static_cast<int>(r.elements[2].elements[1].integer);
      }
    }
  }
  return 0;
}

int RedisCluster::ReplicaOf(int primary_port) {
  const std::string id = NodeId(primary_port);
  for (auto& s : servers_) {
    if (!s->ok() || s->port() == primary_port) continue;
    redis::Reply role = Admin(s->port(), {"ROLE"});
    if (role.elements.size() >= 3 && role.elements[0].str == "slave" &&
        role.elements[2].integer == primary_port) {
      return s->port();
    }
  }
  return 0;
}

int RedisCluster::OtherPrimary(int port) {
  for (auto& s : servers_) {
    if (!s->ok() || s->port() == port) continue;
    redis::Reply role = Admin(s->port(), {"ROLE"});
    if (!role.elements.empty() && role.elements[0].str == "master") return s->port();
  }
  return 0;
}

std::string RedisCluster::NodeId(int port) {
  redis::Reply id = Admin(port, {"CLUSTER", "MYID"});
  return id.type == redis::Reply::Type::kString ? id.str : "";
}

std::string RedisCluster::MigrateSlot(int slot, int target_port,
                                      const std::function<void()>& between) {
  const int source_port = PrimaryOf(slot);
  if (source_port == 0 || source_port == target_port) return "no source primary";
  const std::string source_id = NodeId(source_port);
  const std::string target_id = NodeId(target_port);
  const std::string s = std::to_string(slot);
  auto ok = [](const redis::Reply& r) { return !r.is_error(); };
  if (!ok(Admin(target_port, {"CLUSTER", "SETSLOT", s, "IMPORTING", source_id})))
    return "IMPORTING";
  if (!ok(Admin(source_port, {"CLUSTER", "SETSLOT", s, "MIGRATING", target_id})))
    return "MIGRATING";
  between();
  // Every key of the slot in one MIGRATE, as redis-cli --cluster reshard does
  // with a pipeline at least as large as the slot.
  redis::Reply keys = Admin(source_port, {"CLUSTER", "GETKEYSINSLOT", s, "100000"});
  if (keys.type != redis::Reply::Type::kArray) return "GETKEYSINSLOT";
  if (!keys.elements.empty()) {
    std::vector<std::string> migrate = {
        "MIGRATE", "127.0.0.1", std::to_string(target_port), "", "0", "5000", "KEYS"};
    for (const redis::Reply& k : keys.elements) migrate.push_back(k.str);
    redis::Reply moved = Admin(source_port, migrate);
    if (moved.is_error()) return "MIGRATE: " + moved.str;
  }
  between();  // keys on the target, slot still the source's: ASK
  // The target first, then the source, then the other primaries (replicas
  // learn it from their primaries).
  std::vector<int> order = {target_port, source_port};
  for (auto& server : servers_) {
    if (!server->ok() || server->port() == target_port || server->port() == source_port) continue;
    redis::Reply role = Admin(server->port(), {"ROLE"});
    if (!role.elements.empty() && role.elements[0].str == "master") order.push_back(server->port());
  }
  for (int port : order) {
    if (!ok(Admin(port, {"CLUSTER", "SETSLOT", s, "NODE", target_id}))) return "NODE";
  }
  between();
  return "";
}

bool RedisCluster::Settled(int slot) {
  int agreed = -1;
  for (auto& s : servers_) {
    if (!s->ok()) continue;
    if (!absl::StrContains(Admin(s->port(), {"CLUSTER", "INFO"}).str, "cluster_state:ok")) {
      return false;
    }
    redis::Reply slots = Admin(s->port(), {"CLUSTER", "SLOTS"});
    int primary = 0;
    for (const redis::Reply& r : slots.elements) {
      if (r.elements.size() >= 3 && r.elements[0].integer <= slot &&
          slot <= r.elements[1].integer) {
        primary = static_cast<int>(r.elements[2].elements[1].integer);
      }
    }
    if (agreed == -1) agreed = primary;
    if (primary == 0 || primary != agreed) return false;
  }
  return agreed > 0;
}

}  // namespace edgekit_test
