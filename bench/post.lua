-- POST the same form body to one path every time: wrk ... -s bench/post.lua URL -- PATH BODY
-- (answer save, mark). Headers (cookie, CSRF, HX-Request) come from -H.
dofile("bench/common.lua")

function init(args)
  path, body = args[1], args[2]
end

function request()
  return wrk.format("POST", path, {["Content-Type"] = "application/x-www-form-urlencoded"}, body)
end
