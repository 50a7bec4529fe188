-- wrk script for `make bench` (scripts/bench.py): POST pre-signed Stripe events, each
-- event once. Arguments: the events file (one per line: the Stripe-Signature header, a
-- tab, the JSON body) and wrk's thread count. The file alternates two kinds of event;
-- thread k of n takes the k-th of every n pairs of lines, so that each thread sends both
-- kinds in turn (taking one line in n, a thread of two would send a single kind).
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("number", #threads)
end

function init(args)
  events, sent, wrapped = {}, 0, false
  local line_number, total = 0, tonumber(args[2])
  for line in io.lines(args[1]) do
    if math.floor(line_number / 2) % total == number - 1 then
      local signature, body = line:match("^([^\t]+)\t(.*)$")
      table.insert(events, {signature, body})
    end
    line_number = line_number + 1
  end
end

function request()
  sent = sent + 1
  if sent > #events then
    wrapped, sent = true, 1 -- out of events: a repeat would be a duplicate, flagged in done()
  end
  local event = events[sent]
  local headers = {["Content-Type"] = "application/json", ["Stripe-Signature"] = event[1]}
  return wrk.format("POST", nil, headers, event[2])
end

function done(summary, latency, requests)
  for _, thread in ipairs(threads) do
    if thread:get("wrapped") then
      io.write("EVENTS EXHAUSTED: some events were sent twice\n")
    end
  end
end
