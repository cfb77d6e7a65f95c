package redislimit

import "github.com/redis/go-redis/v9"

// reserveScript grants one start, atomically, in the sorted set KEYS[1].
// It is the algorithm of ratelimit.MemoryStore moved into Redis, so that
// every process sees one state and one clock (the server's TIME).
//
// This is how ratelimit.MemoryStore decides, step for step (a test
// compares the two on random calls), minus its bucketing of huge MaxCounts.
//
// The set holds one member per recorded start, scored by its time in
// microseconds of the server's clock, and the member "" scored by the
// horizon: the latest start forgotten so far. "" sorts before every other
// member of equal score, and no recorded start is older than the horizon,
// so "" is always at rank 0 and the starts follow it in time order.
//
// Starts the window has left behind (at or before now - Interval) decide
// nothing under the limit of the call; they are forgotten into the horizon,
// which stands for all of them as if they had started as late as possible
// (the store's contract: the Interval may grow later, and a forgotten start
// must not be assumed earlier than it was). Later starts stay, even those
// before the MaxCount-th most recent: a larger MaxCount or a Cancel may need
// them. So the set holds the starts of the last Interval and those granted
// ahead of time to waiting requests.
// The start granted is
//
//	t = max(now, latest start or horizon, MaxCount-th most recent + Interval)
//
// where, when fewer than MaxCount starts are kept, the horizon stands in for
// the MaxCount-th most recent. If t - now exceeds max_wait nothing is
// recorded. Otherwise the start is recorded under the caller's member and
// the key's expiry is set to ttl after t.
//
// Before deciding, the script may replay starts of the calling process that
// Redis may not know: those its local fallback granted during an outage,
// and those a restarted or failed-over server lost. The caller sends each
// start's member and age (microseconds before the moment it sent the call;
// negative for a start to come), and the horizon of the starts it no
// longer lists. A start's score is now - age: the script runs after the
// caller measured the ages, so each score is at or after the true start
// (later loses budget; earlier would break the limit), and never before
// the horizon. A start Redis still holds keeps its score (ZADD NX).
//
// A call with an empty member only replays (the probe of an outage, whose
// own start the fallback granted) and grants nothing. A caller that holds a
// start the key cannot have outlived says so (expect); if the key is gone,
// the server restarted empty or lost it, and the script answers "lost"
// without doing anything, for the caller to replay.
//
// KEYS[1]: the limit's key.
// ARGV: max_count, interval_us, max_wait_us (< 0: no bound), member ("":
// replay only), ttl_ms, now_us ("" for the server's TIME; tests pass a fake
// clock), then optionally expect ("1" or ""), horizon_age_us ("" for none)
// and pairs of member, age_us to replay.
// Reply: {granted (0 or 1; -1: lost), delay_us, start_us, cancellable (0
// or 1)}.
//
// Times are integers of microseconds, about 2^51 today: exact in the
// doubles of Lua and of sorted-set scores.
const reserveLua = `
local key = KEYS[1]
local m = tonumber(ARGV[1])
local iv = tonumber(ARGV[2])
local maxwait = tonumber(ARGV[3])
local member = ARGV[4]
local ttl = tonumber(ARGV[5])
local now
if ARGV[6] ~= '' then
  now = tonumber(ARGV[6])
else
  local tm = redis.call('TIME')
  now = tonumber(tm[1]) * 1000000 + tonumber(tm[2])
end

if ARGV[7] == '1' and redis.call('EXISTS', key) == 0 then
  return {-1, 0, 0, 0}
end
-- A bucket (bucket_script.go) before: its starts count as if all were at
-- the latest, which is no later than tat - token.
local b0 = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
if b0[1] and string.sub(b0[1], 1, 1) == '#' then
  local h = tonumber(b0[2]) - tonumber(string.match(b0[1], ':(%d+)$'))
  redis.call('DEL', key)
  redis.call('ZADD', key, h, '')
end
local hz = redis.call('ZSCORE', key, '')
if hz then hz = tonumber(hz) end
-- Replay the caller's starts. A later horizon folds the starts before it
-- into it, as forgetting does below.
local replayed = false
if ARGV[8] and ARGV[8] ~= '' then
  local s = now - tonumber(ARGV[8])
  if not hz or s > hz then
    redis.call('ZREMRANGEBYSCORE', key, '-inf', s)
    hz = s
    redis.call('ZADD', key, hz, '')
    replayed = true
  end
end
for i = 9, #ARGV, 2 do
  local s = now - tonumber(ARGV[i + 1])
  if hz and s < hz then s = hz end
  redis.call('ZADD', key, 'NX', s, ARGV[i])
  replayed = true
end
if member == '' then
  if replayed then
    local top = tonumber(redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')[2])
    redis.call('PEXPIRE', key, math.ceil(math.max(top - now, 0) / 1000) + ttl)
  end
  return {0, 0, now, 0}
end
-- Forget the starts the window has left behind (score <= now - iv); the
-- latest of them, or the old horizon, is the new horizon.
local cutoff = now - iv
local e = redis.call('ZREVRANGEBYSCORE', key, cutoff, '-inf', 'WITHSCORES', 'LIMIT', 0, 1)
if e[1] and e[1] ~= '' then
  redis.call('ZREMRANGEBYSCORE', key, '-inf', cutoff)
  local s = tonumber(e[2])
  if not hz or s > hz then hz = s end
  redis.call('ZADD', key, hz, '')
end
local n = redis.call('ZCARD', key)
if hz then n = n - 1 end

local t = now
local top = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
if top[2] then
  local last = tonumber(top[2])
  if last > t then t = last end
end
if n >= m then
  local e = redis.call('ZRANGE', key, -m, -m, 'WITHSCORES')
  local s = tonumber(e[2]) + iv
  if s > t then t = s end
elseif hz then
  local s = hz + iv
  if s > t then t = s end
end

local delay = t - now
if maxwait >= 0 and delay > maxwait then
  if replayed then
    redis.call('PEXPIRE', key, math.ceil(delay / 1000) + ttl)
  end
  return {0, delay, t, 0}
end
local cancellable = 1
if redis.call('ZADD', key, 'NX', t, member) == 0 then
  -- Another start holds this member (a 64-bit random collision): record
  -- this one under a fresh name nobody can cancel.
  local i = 0
  while redis.call('ZADD', key, 'NX', t, member .. '.' .. i) == 0 do i = i + 1 end
  cancellable = 0
end
redis.call('PEXPIRE', key, math.ceil(delay / 1000) + ttl)
return {1, delay, t, cancellable}
`

var reserveScript = redis.NewScript(reserveLua)
