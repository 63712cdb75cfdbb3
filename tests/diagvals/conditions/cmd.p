plan -no-color -var which=p
