#include "cmd/glusterd-actor/logger.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

namespace gd::daemon {

namespace {

std::atomic<int> threshold{static_cast<int>(log_level::info)};
std::mutex out_mu;

const char* name_of(log_level l) {
  switch (l) {
    case log_level::debug:
      return "DEBUG";
    case log_level::info:
      return "INFO";
    case log_level::warn:
      return "WARN";
    case log_level::error:
      return "ERROR";
  }
  return "?";
}

} // namespace

bool parse_log_level(const std::string& text, log_level& out) {
  if (text == "debug")
    out = log_level::debug;
  else if (text == "info")
    out = log_level::info;
  else if (text == "warn")
    out = log_level::warn;
  else if (text == "error")
    out = log_level::error;
  else
    return false;
  return true;
}

void set_log_level(log_level l) {
  threshold = static_cast<int>(l);
}

void log(log_level l, const std::string& component, const std::string& msg) {
  if (static_cast<int>(l) < threshold)
    return;
  auto now = std::chrono::system_clock::now();
  auto secs = std::chrono::system_clock::to_time_t(now);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
              now.time_since_epoch())
              .count()
            % 1000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
  std::lock_guard<std::mutex> guard(out_mu);
  std::fprintf(stderr, "%s.%03dZ %s %s: %s\n", stamp, static_cast<int>(ms),
               name_of(l), component.c_str(), msg.c_str());
  std::fflush(stderr);
}

} // namespace gd::daemon
