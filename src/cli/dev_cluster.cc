#include "cli/dev_cluster.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "cli/interrupt_scope.h"

extern char** environ;

namespace gregor::cli {

namespace fs = std::filesystem;

CLI::App* define_dev_cluster(CLI::App& parent, DevClusterOptions& opts) {
  auto* cmd = parent.add_subcommand("dev-cluster", "Start a local replicated cluster on loopback (Ctrl-C stops it)");
  cmd->add_option("--nodes", opts.nodes, "Number of nodes, each a broker and a controller")
      ->check(CLI::Range(1, 9))->capture_default_str();
  cmd->add_option("--dir", opts.dir, "Directory for the nodes' configs, data and logs")->capture_default_str();
  cmd->add_option("--base-port", opts.base_port, "First broker port; controllers listen 100 above")
      ->check(CLI::Range(1024, 65000))->capture_default_str();
  cmd->add_option("--smp", opts.smp, "Shards (event-loop threads) per node")->check(CLI::Range(1, 64))
      ->capture_default_str();
  cmd->add_option("--set", opts.sets, "Extra config for every node: --set key=value (repeatable)");
  return cmd;
}

std::string dev_cluster_bootstrap(const DevClusterOptions& opts) {
  std::string out;
  for (int i = 1; i <= opts.nodes; ++i)
    out += fmt::format("{}127.0.0.1:{}", i > 1 ? "," : "", opts.base_port + i - 1);
  return out;
}

std::string dev_cluster_properties(const DevClusterOptions& opts, int id, const std::string& data_dir) {
  std::string voters;
  for (int i = 1; i <= opts.nodes; ++i)
    voters += fmt::format("{}{}@127.0.0.1:{}", i > 1 ? "," : "", i, opts.base_port + 100 + i - 1);
  // Topics get min(nodes, 3) replicas, with min.insync.replicas one below, so a dev cluster
  // keeps accepting acks=all writes with one node down.
  int rf = std::min(opts.nodes, 3);
  std::string out = fmt::format(
      "# Written by `gregor dev-cluster`: node {} of {}.\n"
      "process.roles=broker,controller\n"
      "node.id={}\n"
      "listeners=PLAINTEXT://127.0.0.1:{},CONTROLLER://127.0.0.1:{}\n"
      "controller.listener.names=CONTROLLER\n"
      "controller.quorum.voters={}\n"
      "log.dirs={}\n"
      "default.replication.factor={}\n"
      "min.insync.replicas={}\n"
      "offsets.topic.replication.factor={}\n"
      "transaction.state.log.replication.factor={}\n"
      "transaction.state.log.min.isr={}\n",
      id, opts.nodes, id, opts.base_port + id - 1, opts.base_port + 100 + id - 1, voters, data_dir, rf,
      std::max(1, rf - 1), rf, rf, std::max(1, rf - 1));
  for (const auto& s : opts.sets) out += s + "\n";
  return out;
}

namespace {

struct Node {
  int id = 0;
  pid_t pid = -1;
  std::vector<std::string> argv;
  std::string log;
};

pid_t spawn(const Node& n) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, n.log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // Own process group: Ctrl-C reaches only this command, which stops the nodes itself.
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attr, 0);
  std::vector<char*> args;
  for (const auto& a : n.argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, args[0], &actions, &attr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  return rc == 0 ? pid : -1;
}

std::string describe_status(int status) {
  if (WIFEXITED(status)) return fmt::format("exited with code {}", WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return fmt::format("was killed by signal {}", WTERMSIG(status));
  return "stopped";
}

void stop_all(std::vector<Node>& nodes) {
  for (auto& n : nodes)
    if (n.pid > 0) ::kill(n.pid, SIGTERM);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  bool forced = false;
  for (;;) {
    bool any = false;
    for (auto& n : nodes) {
      if (n.pid <= 0) continue;
      int status = 0;
      if (::waitpid(n.pid, &status, WNOHANG) == n.pid) {
        std::cout << fmt::format("node {} {}\n", n.id, describe_status(status));
        n.pid = -1;
      } else {
        any = true;
      }
    }
    if (!any) return;
    if (!forced && std::chrono::steady_clock::now() > deadline) {
      std::cout << "nodes still running after 30 s: killing them\n";
      for (auto& n : nodes)
        if (n.pid > 0) ::kill(n.pid, SIGKILL);
      forced = true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

}  // namespace

int run_dev_cluster(const DevClusterOptions& opts) {
  std::error_code ec;
  fs::path root = fs::absolute(opts.dir, ec);
  fs::create_directories(root, ec);
  if (ec) {
    std::cerr << fmt::format("cannot create {}: {}\n", root.string(), ec.message());
    return 1;
  }
  std::string self = fs::read_symlink("/proc/self/exe", ec).string();
  if (ec) {
    std::cerr << "cannot find the gregor binary: " << ec.message() << "\n";
    return 1;
  }
  InterruptScope interrupts;
  std::vector<Node> nodes;
  for (int i = 1; i <= opts.nodes; ++i) {
    fs::path data = root / fmt::format("node-{}", i);
    fs::create_directories(data, ec);
    fs::path props = root / fmt::format("node-{}.properties", i);
    std::ofstream(props) << dev_cluster_properties(opts, i, data.string());
    Node n;
    n.id = i;
    n.argv = {self, "serve", "--config", props.string(), "--smp", std::to_string(opts.smp)};
    n.log = (root / fmt::format("node-{}.log", i)).string();
    n.pid = spawn(n);
    if (n.pid < 0) {
      std::cerr << fmt::format("cannot start node {}\n", i);
      nodes.push_back(n);
      stop_all(nodes);
      return 1;
    }
    nodes.push_back(n);
  }
  std::cout << fmt::format("dev-cluster: {} node(s), data, configs and logs in {}\n", opts.nodes, root.string());
  for (const auto& n : nodes)
    std::cout << fmt::format("  node {}: broker 127.0.0.1:{}, controller 127.0.0.1:{}, pid {}, log {}\n", n.id,
                             opts.base_port + n.id - 1, opts.base_port + 100 + n.id - 1, n.pid, n.log);
  std::cout << fmt::format("bootstrap servers: {}\nCtrl-C stops every node.\n", dev_cluster_bootstrap(opts))
            << std::flush;
  while (!InterruptScope::requested()) {
    for (auto& n : nodes) {
      if (n.pid <= 0) continue;
      int status = 0;
      if (::waitpid(n.pid, &status, WNOHANG) == n.pid) {
        std::string cmd;
        for (const auto& a : n.argv) cmd += (cmd.empty() ? "" : " ") + a;
        std::cout << fmt::format("node {} {}; restart it with: {} >> {} 2>&1 &\n", n.id, describe_status(status), cmd,
                                 n.log)
                  << std::flush;
        n.pid = -1;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  std::cout << "stopping the cluster\n" << std::flush;
  stop_all(nodes);
  return 0;
}

}  // namespace gregor::cli
