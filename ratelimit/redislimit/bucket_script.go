package redislimit

import "github.com/redis/go-redis/v9"

// bucketScript grants one start under a token bucket, atomically, in the
// sorted set KEYS[1]: ratelimit.MemoryStore's bucket (GCRA) moved into
// Redis, with the server's clock.
//
// The set is the window's (script.go: the horizon "" first, then the
// starts in time order), topped by one member that holds the bucket:
// "#<burst>:<token_us>", scored by tat, the instant at which the bucket is
// full again (always after every start, so always the top member). The
// name records the limit tat was kept under: when a call brings another
// one, the bucket keeps its tokens, at most the new burst. A key that holds
// a window (no "#" on top) is taken as an empty bucket right after its
// latest start or horizon; the window script takes a bucket as a horizon
// at its latest start (tat - token). Starts are kept for one refill period
// (burst·token), for the replay to recognise them and for Cancel.
//
// A start at s needs a token: s >= tat - (burst-1)·token; the start
// granted is the earliest such s at or after now and the latest start,
// and tat becomes max(tat, s) + token. A replayed start that the set does
// not hold takes a token too (tat = max(tat, s) + token: later than, or as
// late as, a bucket that had seen it in order). The replay's horizon
// stands for starts the caller forgot: the bucket is taken as empty right
// after it.
//
// KEYS[1]: the limit's key.
// ARGV: burst, token_us, max_wait_us (< 0: no bound), member ("": replay
// only), ttl_ms, now_us ("" for the server's TIME), then optionally expect
// ("1" or ""), horizon_age_us ("" for none) and pairs of member, age_us
// to replay, as for reserveScript.
// Reply: {granted (0 or 1; -1: lost), delay_us, start_us, cancellable}.
const bucketLua = `
local key = KEYS[1]
local b = tonumber(ARGV[1])
local tk = tonumber(ARGV[2])
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

local tat = nil
local top = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
if top[1] and string.sub(top[1], 1, 1) == '#' then
  redis.call('ZREM', key, top[1])
  tat = tonumber(top[2])
  local ob, otk = string.match(top[1], '^#(%d+):(%d+)$')
  ob, otk = tonumber(ob), tonumber(otk)
  if (ob ~= b or otk ~= tk) and tat > now then
    local level = ob - (tat - now) / otk
    if level > b then level = b end
    tat = now + math.ceil((b - level) * tk)
  end
elseif top[2] then
  tat = tonumber(top[2]) + b * tk
end
local function take(s)
  if not tat or s > tat then tat = s + tk else tat = tat + tk end
end
local function keep(delay)
  if tat then
    redis.call('ZADD', key, tat, '#' .. b .. ':' .. tk)
    redis.call('PEXPIRE', key, math.ceil(math.max(tat - now, delay, 0) / 1000) + ttl)
  end
end

local hz = redis.call('ZSCORE', key, '')
if hz then hz = tonumber(hz) end
if ARGV[8] and ARGV[8] ~= '' then
  local s = now - tonumber(ARGV[8])
  if not hz or s > hz then
    redis.call('ZREMRANGEBYSCORE', key, '-inf', s)
    hz = s
    redis.call('ZADD', key, hz, '')
    if not tat or hz + b * tk > tat then tat = hz + b * tk end
  end
end
for i = 9, #ARGV, 2 do
  local s = now - tonumber(ARGV[i + 1])
  if hz and s < hz then s = hz end
  if redis.call('ZADD', key, 'NX', s, ARGV[i]) == 1 then take(s) end
end
if member == '' then
  keep(0)
  return {0, 0, now, 0}
end

local cutoff = now - b * tk
local e = redis.call('ZREVRANGEBYSCORE', key, cutoff, '-inf', 'WITHSCORES', 'LIMIT', 0, 1)
if e[1] and e[1] ~= '' then
  redis.call('ZREMRANGEBYSCORE', key, '-inf', cutoff)
  local s = tonumber(e[2])
  if not hz or s > hz then hz = s end
  redis.call('ZADD', key, hz, '')
end

local t = now
local last = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
if last[2] and tonumber(last[2]) > t then t = tonumber(last[2]) end
if tat and tat - (b - 1) * tk > t then t = tat - (b - 1) * tk end
local delay = t - now
if maxwait >= 0 and delay > maxwait then
  keep(delay)
  return {0, delay, t, 0}
end
local cancellable = 1
if redis.call('ZADD', key, 'NX', t, member) == 0 then
  local i = 0
  while redis.call('ZADD', key, 'NX', t, member .. '.' .. i) == 0 do i = i + 1 end
  cancellable = 0
end
take(t)
keep(delay)
return {1, delay, t, cancellable}
`

var bucketScript = redis.NewScript(bucketLua)

// cancelScript gives back the start ARGV[1] of the limit in KEYS[1]. A
// window's start is removed. A bucket's start gives its token back only
// when it is the latest start held, which makes tat - token still no
// earlier than any bucket without it; one given back out of order is
// renamed "~<member>" and its token comes back once every later start is
// given back (as a Limiter gives back its waiting requests, newest first).
// Reply: 1 if the start was held.
const cancelLua = `
local key = KEYS[1]
local m = ARGV[1]
local top = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
if not (top[1] and string.sub(top[1], 1, 1) == '#') then
  return redis.call('ZREM', key, m)
end
local s = redis.call('ZSCORE', key, m)
if not s then return 0 end
redis.call('ZREM', key, m)
redis.call('ZADD', key, s, '~' .. m)
local tk = tonumber(string.match(top[1], ':(%d+)$'))
local tat = tonumber(top[2])
while true do
  local below = redis.call('ZRANGE', key, -2, -2)
  if not (below[1] and string.sub(below[1], 1, 1) == '~') then break end
  redis.call('ZREM', key, below[1])
  tat = tat - tk
end
redis.call('ZADD', key, tat, top[1])
return 1
`

var cancelScript = redis.NewScript(cancelLua)
