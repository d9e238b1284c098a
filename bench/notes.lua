-- Save notes, each request on an answer nobody has written notes on yet (version 0), so the notes'
-- version check never refuses a bench request: wrk ... -s bench/notes.lua URL -- TARGETS_FILE
-- where the file holds one "session position" pair a line. The two threads take alternate lines.
dofile("bench/common.lua")

local threads = 0
function setup(thread)
  thread:set("first", threads)
  threads = threads + 1
end

function init(args)
  -- wrk.format replaces the -H headers when given its own, so the form type joins them instead.
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  targets = {}
  for line in io.lines(args[1]) do
    local session, position = line:match("(%d+) (%d+)")
    targets[#targets + 1] = {session, position}
  end
  index = first + 1
end

function request()
  local t = targets[index]
  index = index + 2
  if t == nil then t = targets[1] end -- ran out: repeats give 409s, which the bench reports
  return wrk.format("POST", "/sessions/" .. t[1] .. "/answers/" .. t[2] .. "/notes/",
    nil, "version=0&notes=Covered+the+basics+well")
end
