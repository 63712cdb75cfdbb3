a = "%{for v in c}${null}%{endfor}x"
