-- A plain GET of the URL given to wrk (headers come from -H).
dofile("bench/common.lua")
