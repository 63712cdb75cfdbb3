plan -no-color -var which=c
