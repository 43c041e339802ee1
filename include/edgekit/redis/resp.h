// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: resp.h
// -----------------------------------------------------------------------------
// RESP2 without I/O, for hosts that own the socket: `EncodeCommand` gives the
// bytes to write for a `Command`, `ReplyReader` turns the bytes read back into
// `Reply`s (hiredis's protocol reader underneath, with edgekit's bounds on top).
// Together with commands.h this is all an event loop of the host's own needs
// to run edgekit's fleet algorithms.
//
// Example:
//
//   std::string out = edgekit::redis::EncodeCommand(command);   // write it
//   auto reader = edgekit::redis::ReplyReader::Create().value();
//   reader->Feed(bytes_read);
//   while (true) {
//     absl::StatusOr<std::optional<edgekit::redis::Reply>> r = reader->Next();
//     if (!r.ok()) { /* close the connection */ }
//     if (!r->has_value()) break;  // need more bytes
//     ... **r ...
//   }
//
// Thread-safety: `ReplyReader` is thread-compatible; `EncodeCommand` is pure.

#ifndef EDGEKIT_REDIS_RESP_H_
#define EDGEKIT_REDIS_RESP_H_

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "edgekit/base/config.h"
#include "edgekit/redis/command.h"

EDGEKIT_NAMESPACE_BEGIN
namespace redis {

// The RESP2 bytes of `command` (an array of bulk strings).
[[nodiscard]] EDGEKIT_API std::string EncodeCommand(const Command& command);

class EDGEKIT_API ReplyReader {
 public:
  // A reply may hold at most `max_reply_bytes` (strings and array
  // bookkeeping), and at most that many bytes may wait unparsed.
  // Errors: kInvalidArgument unless max_reply_bytes is in [1 KiB, 1 GiB].
  static absl::StatusOr<std::unique_ptr<ReplyReader>> Create(size_t max_reply_bytes = 16 << 20);
  ~ReplyReader();
  ReplyReader(const ReplyReader&) = delete;
  ReplyReader& operator=(const ReplyReader&) = delete;

  // Appends bytes read from the connection.
  // Errors: kResourceExhausted when more than max_reply_bytes wait unparsed;
  // kFailedPrecondition after an earlier error.
  absl::Status Feed(std::string_view bytes);

  // The next complete reply, or nullopt when more bytes are needed.
  // Errors: kInvalidArgument (a protocol error, a reply too large or nested
  // deeper than 8); kFailedPrecondition after an earlier error. After an error
  // the connection's byte stream cannot be trusted: close it.
  absl::StatusOr<std::optional<Reply>> Next();

 private:
  struct Impl;
  explicit ReplyReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace redis
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_REDIS_RESP_H_
