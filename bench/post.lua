-- POST the same form body to one path every time: wrk ... -s bench/post.lua URL -- PATH BODY
-- (answer save, mark). Headers (cookie, CSRF, HX-Request) come from -H.
dofile("bench/common.lua")

function init(args)
  -- wrk.format replaces the -H headers when given its own, so the form type joins them instead.
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  path, body = args[1], args[2]
end

function request()
  return wrk.format("POST", path, nil, body)
end
